"""Word, PDF and HTML documents generated from records: 工作简报, 工作总结, 通报, 新闻通稿."""
