from tepai.cli import main

main()
