"""Seeded synthetic Chinese expert profiles and enterprise demands, for speed benchmarks.

The text is synthetic but shaped like the real thing: each expert (a science-and-technology
commissioner) has a ~200-character bio, 3–6 research-field keywords and 2–4 work items
(projects, patents, papers, technical services) with a title and a one-sentence text; each
demand is written the way an enterprise writes it, in plain words ("夏天一热机组负荷就带不上去")
rather than the expert's technical terms. Both cover Xinjiang's eight industry clusters
(油气生产加工, 煤炭煤电煤化工, 绿色矿业, 粮油, 棉花和纺织服装, 绿色有机果蔬, 优质畜产品,
新能源新材料) and the disciplines commissioners come from (textiles, thermal power, chemicals,
agronomy, livestock, ...), plus a few cross-cutting fields (machine vision, water treatment).

Text is built from sentence templates filled from per-cluster vocabulary lists (technical
terms mostly taken from ``src/tepai/matching/text/data/domain_dict.txt``), so that 100,000
profiles are varied enough for BM25 statistics and encoder caches to behave as on real data:
no two bios are identical, while experts of one cluster share vocabulary the way real ones do.

Deterministic: expert ``i`` of seed ``s`` depends only on (s, i) — it is drawn from its own
``random.Random(f"...:{s}:{i}")`` — so ``generate_experts(1000, s)`` is a prefix of
``generate_experts(100_000, s)``, and results do not depend on ``PYTHONHASHSEED`` or the
platform. Nothing here reads files or needs third-party packages besides tepai itself.

    from profile_generator import generate_demands, generate_experts
    experts = generate_experts(2000, seed=7)
    demands = generate_demands(100, seed=7)

``python benchmarks/profile_generator.py --experts 3 --demands 3`` prints samples.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

try:
    from tepai.matching.records import Demand, Expert, WorkItem
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from tepai.matching.records import Demand, Expert, WorkItem

__all__ = [
    "CLUSTERS",
    "Cluster",
    "changed_expert",
    "generate_demands",
    "generate_experts",
]


@dataclass(frozen=True)
class Cluster:
    """The vocabulary of one industry cluster.

    ``disciplines`` are the academic fields commissioners of the cluster come from;
    ``fields`` their research-field keywords; ``objects`` equipment, products, crops or
    animals; ``methods`` techniques; ``problems`` technical problems in an expert's words;
    ``complaints`` pairs (a problem as an enterprise puts it, the field of an expert who
    can solve it); ``businesses`` the kinds of enterprises; ``firm_words`` what their names
    end with before 有限公司.
    """

    name: str
    weight: float
    disciplines: tuple[str, ...]
    fields: tuple[str, ...]
    objects: tuple[str, ...]
    methods: tuple[str, ...]
    problems: tuple[str, ...]
    complaints: tuple[tuple[str, str], ...]
    businesses: tuple[str, ...]
    firm_words: tuple[str, ...]


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CLUSTERS: tuple[Cluster, ...] = (
    Cluster(
        name="油气生产加工",
        weight=1.0,
        disciplines=_t("石油工程 油气储运工程 化学工程与工艺 应用化学 环境工程"),
        fields=_t(
            "油田采出水处理 三次采油 聚合物驱 稠油降黏 油田化学剂 阻垢缓蚀 集输管道腐蚀防护 "
            "管道完整性管理 抽油机井工况诊断 压裂返排液处理 含油污泥处理 油气回收 加热炉节能 "
            "催化裂化 加氢精制 轻烃回收 天然气脱水 储层改造"
        ),
        objects=_t(
            "抽油机 电泵井 加热炉 集输管线 沉降罐 核桃壳过滤器 储罐 常减压装置 "
            "催化裂化装置 注水井 埋地管道 气浮装置"
        ),
        methods=_t(
            "示功图智能诊断 变频控制 阴极保护 漏磁检测 超声导波检测 燃烧优化 烟气余热回收 "
            "破乳剂复配 热解析 气浮过滤组合工艺 高级氧化 数值模拟"
        ),
        problems=_t(
            "采出水含油量和悬浮物超标 杆管偏磨 管线腐蚀穿孔 高矿化度地层水结垢 "
            "加热炉排烟温度偏高 稠油流动性差 含油污泥堆存量大 储罐挥发性有机物排放 "
            "抽油机井泵效低 注水井欠注"
        ),
        complaints=(
            ("回注水老是不达标，过滤器反洗也不管用", "油田采出水处理"),
            ("抽油机经常断杆，而且特别费电", "抽油机井工况诊断"),
            ("集输管线隔三差五就漏油，补都补不过来", "集输管道腐蚀防护"),
            ("加热炉烧气太多，热效率怎么也上不去", "加热炉节能"),
            ("油泥堆了一大片，拉走处理太贵", "含油污泥处理"),
            ("好几口注水井注不进去，压力越打越高", "储层改造"),
            ("罐区一到夏天异味很大，周边居民投诉", "油气回收"),
            ("原油太稠，冬天管线里输不动", "稠油降黏"),
            ("污水处理后还是发黑发臭", "油田采出水处理"),
            ("结垢严重，差不多每个月都要洗井", "阻垢缓蚀"),
        ),
        businesses=_t("采油厂 油田技术服务公司 炼化企业 天然气处理厂 油田化学剂厂"),
        firm_words=_t("石油技术服务 油田化工 能源科技 石化 天然气"),
    ),
    Cluster(
        name="煤炭煤电煤化工",
        weight=1.2,
        disciplines=_t("热能与动力工程 化学工程与工艺 采矿工程 矿物加工工程 环境工程 电气工程"),
        fields=_t(
            "空冷凝汽器优化 冷端系统优化 锅炉燃烧调整 低氮燃烧 烟气脱硝 超低排放 深度调峰 "
            "灵活性改造 配煤掺烧 煤气化 煤焦油加氢 兰炭尾气利用 焦化废水处理 电石炉气净化 "
            "离子膜电解 选煤工艺 煤泥水处理 瓦斯抽采 矿井粉尘治理 二氧化碳捕集"
        ),
        objects=_t(
            "空冷岛 直接空冷机组 循环流化床锅炉 电站锅炉 汽轮机 磨煤机 气化炉 电石炉 "
            "离子膜电解槽 压滤机 综采工作面 精馏塔 脱硫塔 脱硝反应器"
        ),
        methods=_t(
            "高压水射流清洗 热力试验 燃烧优化调整 流程模拟 换热网络优化 选择性催化还原 "
            "重介质选煤 絮凝沉降 喷雾降尘 工业催化 化学吸收 数值模拟"
        ),
        problems=_t(
            "空冷凝汽器翅片积灰导致背压升高 夏季高温时段机组出力受限 锅炉结焦结渣 "
            "脱硝氨逃逸超标 供电煤耗偏高 脱硫废水零排放困难 煤泥水澄清困难 气化炉灰熔点偏高 "
            "槽电压升高导致直流电耗增加 综采工作面呼吸性粉尘浓度高"
        ),
        complaints=(
            ("夏天一热机组负荷就带不上去", "空冷凝汽器优化"),
            ("散热片糊住了，背压降不下来", "冷端系统优化"),
            ("锅炉老是结焦，每个月都要停炉清焦", "锅炉燃烧调整"),
            ("电费和煤耗一年比一年高", "配煤掺烧"),
            ("烟囱冒黑烟，环保部门天天来查", "超低排放"),
            ("脱硫废水不知道往哪排", "超低排放"),
            ("洗煤厂的煤泥水怎么都澄清不了", "煤泥水处理"),
            ("兰炭尾气直接烧掉太可惜了", "兰炭尾气利用"),
            ("井下粉尘大，工人都不愿意干", "矿井粉尘治理"),
            ("电解槽的电耗降不下来", "离子膜电解"),
        ),
        businesses=_t("火电厂 热电厂 煤矿 洗煤厂 兰炭厂 煤化工企业 氯碱企业 焦化厂"),
        firm_words=_t("热电 能源 煤业 煤化工 化工 电力"),
    ),
    Cluster(
        name="绿色矿业",
        weight=0.6,
        disciplines=_t("矿物加工工程 采矿工程 地质工程 材料科学与工程 环境科学"),
        fields=_t(
            "尾矿综合利用 固废资源化 选矿工艺 浮选药剂 工艺矿物学 边坡稳定性监测 "
            "矿山生态修复 土地复垦 膏体充填 机制砂 免烧砖 工业硅 微硅粉利用 石材废料利用 扬尘治理"
        ),
        objects=_t(
            "尾矿库 露天采场 边坡 球磨机 浮选机 隧道窑 破碎机 充填系统 矿热炉 砂石骨料生产线"
        ),
        methods=_t(
            "北斗定位变形监测 浮选药剂优化 磁选重选联合流程 焙烧曲线优化 膏体充填 "
            "抑尘剂喷洒 植被重建 全站仪监测"
        ),
        problems=_t(
            "选矿回收率低 精矿品位不稳定 尾矿堆存占地大 边坡位移预警滞后 烧结砖黑心 "
            "矿区扬尘无组织排放 采空区塌陷 氧化矿难选"
        ),
        complaints=(
            ("选出来的精矿品位老是不够，卖不上价", "选矿工艺"),
            ("尾矿越堆越多，库容快满了", "尾矿综合利用"),
            ("砖烧出来中间发黑", "免烧砖"),
            ("一下雨就担心边坡滑坡", "边坡稳定性监测"),
            ("矿区一刮风灰就大，周边村民投诉", "扬尘治理"),
            ("废石材堆着没人要", "石材废料利用"),
            ("采完的坑不知道怎么复垦", "土地复垦"),
        ),
        businesses=_t("铅锌矿 铁矿 铜矿 石材厂 建材厂 砂石料场 工业硅厂"),
        firm_words=_t("矿业 建材 新型建材 硅业 石材"),
    ),
    Cluster(
        name="粮油",
        weight=0.8,
        disciplines=_t("粮食工程 食品科学与工程 作物学 农学 油脂工程"),
        fields=_t(
            "小麦品质改良 面粉品质改良 配麦制粉 专用粉开发 稻谷加工 粮食干燥 低温储粮 "
            "储粮害虫防治 真菌毒素控制 油脂精炼 棉籽蛋白开发 脱酚棉籽蛋白 葵花籽油加工 "
            "玉米高产栽培 保护性耕作"
        ),
        objects=_t("烘干塔 粮库 制粉生产线 碾米机 压榨机 浸出器 精炼车间 冬小麦 玉米 葵花籽"),
        methods=_t(
            "粮情测控 气调储粮 机械通风 面团流变学分析 溶剂浸出 脱酚工艺 快速检测 近红外光谱分析"
        ),
        problems=_t(
            "面粉筋力不稳定 整精米率低 玉米干燥后裂纹率高 储粮发热霉变 黄曲霉毒素超标 "
            "油脂酸价和过氧化值偏高 棉粕游离棉酚含量高 碎米率高"
        ),
        complaints=(
            ("拉面粉做出来的面总是容易断", "面粉品质改良"),
            ("碾出来碎米多，整米率上不去", "稻谷加工"),
            ("玉米烘干以后裂得厉害", "粮食干燥"),
            ("粮仓一到夏天就发热，还生虫", "储粮害虫防治"),
            ("油放不住，放两个月就有哈喇味", "油脂精炼"),
            ("棉粕卖不上价，客户说棉酚高", "脱酚棉籽蛋白"),
            ("烘干机烧煤太多，成本下不来", "粮食干燥"),
        ),
        businesses=_t("面粉厂 米业公司 粮库 油脂厂 饲料厂 粮食种植合作社"),
        firm_words=_t("粮油 面业 米业 油脂 农业科技"),
    ),
    Cluster(
        name="棉花和纺织服装",
        weight=1.5,
        disciplines=_t("纺织工程 轻化工程 服装设计与工程 作物学 农业机械化工程 非织造材料与工程"),
        fields=_t(
            "纺纱工艺 细纱断头控制 梳棉工艺 紧密纺 涡流纺 织物疵点检测 染色工艺 计算机配色 "
            "印染废水回用 功能整理 阻燃整理 数码印花 服装智能吊挂 生产线平衡 棉花脱叶催熟 "
            "机采棉 轧花工艺 异性纤维清理 棉花育种 纤维品质"
        ),
        objects=_t("细纱机 梳棉机 络筒机 喷气织机 验布机 拉幅定形机 染缸 吊挂线 轧花机 籽棉清理机"),
        methods=_t(
            "机器视觉检测 在线测色 温湿度控制 工艺参数优化 膜处理回用 高级氧化 生产排程优化 "
            "化学调控"
        ),
        problems=_t(
            "细纱千锭时断头偏高 条干不匀 棉结和毛羽偏多 染色色差和缸差大 染色一次成功率低 "
            "布面疵点漏检 印染废水脱色困难 阻燃面料耐水洗性差 机采棉含杂率高 异性纤维清理不净 "
            "马克隆值偏高"
        ),
        complaints=(
            ("车间断头太多，挡车工忙不过来", "细纱断头控制"),
            ("布上的毛病靠人眼看，老是漏检被退货", "织物疵点检测"),
            ("同一批布颜色对不上，客户扣钱", "计算机配色"),
            ("印染废水掉色发臭，排不出去", "印染废水回用"),
            ("工装面料洗几次就不阻燃了", "阻燃整理"),
            ("吊挂线上衣服堆在几道工序，产量上不去", "生产线平衡"),
            ("棉花里的地膜和杂质挑不干净", "异性纤维清理"),
            ("机采棉含杂高，轧出来的皮棉等级低", "轧花工艺"),
        ),
        businesses=_t("棉纺厂 织布厂 印染厂 服装厂 轧花厂 棉花种植合作社 家纺企业"),
        firm_words=_t("纺织 棉业 印染 服饰 家纺 纺织科技"),
    ),
    Cluster(
        name="绿色有机果蔬",
        weight=1.4,
        disciplines=_t("果树学 园艺学 植物保护 食品科学与工程 设施农业科学与工程 中药学"),
        fields=_t(
            "矮化密植 整形修剪 花果管理 红枣裂果防控 核桃良种选育 香梨黑心病防控 "
            "苹果树腐烂病防治 采后贮藏保鲜 气调贮藏 果品干制 核桃破壳 设施蔬菜栽培 "
            "温室环境调控 食用菌栽培 中药材规范化种植 加工番茄 病虫害绿色防控 水肥一体化"
        ),
        objects=_t(
            "冰糖心苹果 骏枣 灰枣 薄皮核桃 库尔勒香梨 小白杏 哈密瓜 日光温室 气调库 "
            "热泵烘房 香菇菌棒 肉苁蓉 枸杞 加工番茄"
        ),
        methods=_t(
            "生物防治 性诱剂迷向 植保无人机飞防 差压预冷 热泵干燥 组培快繁 嫁接育苗 光电分选"
        ),
        problems=_t(
            "裂果率高 坐果率低 果实着色差 贮藏期果心褐变 干制能耗高 核桃整仁率低 连作障碍 "
            "灰霉病和霜霉病高发 菌棒杂菌污染 药材有效成分含量不稳定"
        ),
        complaints=(
            ("枣子一下雨就裂，烂果特别多", "红枣裂果防控"),
            ("苹果不上色，卖不上价", "花果管理"),
            ("香梨放到春节就黑心", "香梨黑心病防控"),
            ("核桃敲开碎仁太多", "核桃破壳"),
            ("烘干房烧煤贵，还烘不过来", "果品干制"),
            ("大棚里的菜年年烂根死苗", "设施蔬菜栽培"),
            ("菌棒一批一批地长绿毛", "食用菌栽培"),
            ("苁蓉种下去出苗率低", "中药材规范化种植"),
        ),
        businesses=_t(
            "果业合作社 红枣加工厂 核桃加工企业 冷库 设施蔬菜基地 食用菌企业 中药材种植公司"
        ),
        firm_words=_t("果业 农业科技 林果 生物科技 食品"),
    ),
    Cluster(
        name="优质畜产品",
        weight=1.2,
        disciplines=_t(
            "畜牧学 动物营养与饲料科学 兽医学 动物遗传育种与繁殖 水产养殖学 食品科学与工程"
        ),
        fields=_t(
            "肉羊高效繁殖 同期发情 人工授精 胚胎移植 肉牛育肥 全混合日粮配制 青贮调制 "
            "反刍动物营养 奶牛乳房炎防控 犊牛腹泻防治 疫病防控 布鲁氏菌病净化 畜禽粪污资源化 "
            "冷鲜肉加工 盐碱水养殖 南美白对虾养殖 冷水鱼养殖"
        ),
        objects=_t(
            "多浪羊 湖羊 西门塔尔牛 新疆褐牛 荷斯坦奶牛 蛋鸡 青贮玉米 苜蓿 鸡舍 屠宰线 养殖池塘"
        ),
        methods=_t(
            "饲料配方优化 发情鉴定 两年三产技术 体细胞数检测 湿帘降温 好氧堆肥 水质调控 排酸工艺"
        ),
        problems=_t(
            "母羊产羔率低 繁殖母羊空怀率高 日增重低且料重比高 隐性乳房炎体细胞数超标 "
            "犊牛成活率低 夏季热应激导致产蛋率下降 粪污处理困难 盐碱水养殖成活率低 冷鲜肉货架期短"
        ),
        complaints=(
            ("母羊不发情，一年产不了一胎", "同期发情"),
            ("牛吃得多长得慢，饲料钱太贵", "肉牛育肥"),
            ("牛奶体细胞超标，被奶站扣价", "奶牛乳房炎防控"),
            ("小牛拉稀，已经死了好几头", "犊牛腹泻防治"),
            ("夏天鸡热得不下蛋", "疫病防控"),
            ("羊粪堆在圈外发臭，没人要", "畜禽粪污资源化"),
            ("虾苗放下去没几天就死", "盐碱水养殖"),
            ("羊肉运到外地颜色就不好看了", "冷鲜肉加工"),
        ),
        businesses=_t(
            "肉羊养殖合作社 肉牛育肥场 奶牛牧场 蛋鸡养殖场 屠宰加工厂 饲料厂 水产养殖公司"
        ),
        firm_words=_t("牧业 畜牧 乳业 食品 水产"),
    ),
    Cluster(
        name="新能源新材料",
        weight=1.0,
        disciplines=_t("电气工程 新能源科学与工程 材料科学与工程 电化学 木材科学与工程 化学工程"),
        fields=_t(
            "光伏电站运维 光伏组件清洗 热斑与隐裂检测 储能电池热管理 电池管理系统 电解水制氢 "
            "碱性电解槽 新能源并网 功率预测 配电网自动化 谐波治理 无功补偿 风电机组故障诊断 "
            "生物质复合材料 人造板甲醛释放控制 有机硅材料 多晶硅 锂离子电池材料"
        ),
        objects=_t(
            "光伏组件 组串式逆变器 储能电站 电池簇 碱性电解槽 风电机组 配电网 变电站 刨花板 "
            "棉秆人造板 多晶硅还原炉"
        ),
        methods=_t(
            "电致发光检测 无人机巡检 主动均衡 数值模拟 深度学习预测 热压工艺优化 "
            "电催化材料设计 状态评估"
        ),
        problems=_t(
            "组件积灰造成发电损失 逆变器频繁故障 电池热失控风险 电芯容量衰减快 "
            "电解槽适应波动电源能力差 弃风弃光率高 电压波动和谐波超标 人造板甲醛释放超标 "
            "静曲强度不足"
        ),
        complaints=(
            ("光伏板上的灰多，发电量一直上不去", "光伏组件清洗"),
            ("逆变器老是报故障停机", "光伏电站运维"),
            ("储能舱夏天温度降不下来，怕着火", "储能电池热管理"),
            ("电池用了两年容量掉得厉害", "电池管理系统"),
            ("风电场一刮大风就限电", "新能源并网"),
            ("厂里电压不稳，设备经常跳闸", "谐波治理"),
            ("用棉秆做的板子甲醛超标，卖不出去", "人造板甲醛释放控制"),
        ),
        businesses=_t("光伏电站 储能电站运营公司 风电场 新材料公司 人造板厂 多晶硅企业 氢能公司"),
        firm_words=_t("新能源 光伏科技 新材料 储能科技 木业"),
    ),
)
CLUSTER_NAMES: tuple[str, ...] = tuple(cluster.name for cluster in CLUSTERS)

# Fields that cut across clusters: some experts add one of them to their cluster fields.
GENERIC_FIELDS = _t(
    "机器视觉 深度学习 工业互联网 数字孪生 预测性维护 物联网 节能改造 能源管理 质量控制 "
    "智能制造 废水处理 过程控制 故障诊断 无损检测 智慧农业 食品安全"
)

SURNAMES = _t(
    "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 "
    "彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 "
    "石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵"
)
GIVEN = _t(
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 文 华 建 国 红 新 疆 "
    "玉 兰 春 海 云 志 斌 峰 晓 宇 鹏 辉 俊 欣 婷 雪 琳 慧 博 凯 帆 阳 然 瑞 浩 亮 林 成 荣"
)
TITLES = _t(
    "教授 副教授 研究员 副研究员 高级工程师 正高级工程师 教授级高级工程师 高级农艺师 "
    "高级畜牧师 高级兽医师 推广研究员 讲师 工程师"
)
INSTITUTIONS = _t(
    "新疆大学 石河子大学 塔里木大学 新疆农业大学 新疆医科大学 新疆师范大学 新疆工程学院 "
    "昌吉学院 喀什大学 伊犁师范大学 新疆理工学院 新疆农业科学院 新疆畜牧科学院 "
    "新疆林业科学院 新疆农垦科学院 中国科学院新疆理化技术研究所 中国科学院新疆生态与地理研究所 "
    "新疆维吾尔自治区产品质量监督检验研究院 国网新疆电力有限公司电力科学研究院 "
    "中国石油大学克拉玛依校区 新疆维吾尔自治区环境保护科学研究院 新疆农业职业技术学院"
)
UNIVERSITIES = _t(
    "新疆大学 石河子大学 中国农业大学 西北农林科技大学 东华大学 江南大学 中国石油大学 "
    "中国矿业大学 华北电力大学 西安交通大学 天津工业大学 南京农业大学 华中农业大学 兰州大学"
)
# Region of an institution or enterprise, and the short place name that starts firm names.
REGIONS: tuple[tuple[str, str], ...] = (
    ("乌鲁木齐市", "乌鲁木齐"),
    ("昌吉回族自治州", "昌吉"),
    ("石河子市", "石河子"),
    ("阿克苏地区", "阿克苏"),
    ("喀什地区", "喀什"),
    ("和田地区", "和田"),
    ("伊犁哈萨克自治州", "伊犁"),
    ("塔城地区", "塔城"),
    ("阿勒泰地区", "阿勒泰"),
    ("博尔塔拉蒙古自治州", "博乐"),
    ("巴音郭楞蒙古自治州", "库尔勒"),
    ("哈密市", "哈密"),
    ("吐鲁番市", "吐鲁番"),
    ("克拉玛依市", "克拉玛依"),
    ("阿拉尔市", "阿拉尔"),
    ("五家渠市", "五家渠"),
)
BRANDS = _t(
    "天山 昆仑 丝路 金穗 绿原 雪莲 胡杨 天润 西域 塔河 博峰 白杨 天富 金禾 银河 瀚海 "
    "天康 红山 新星 万达 嘉禾 天业 中泰 宏源"
)
DEGREES = _t("博士 硕士 学士")
PROGRAMMES = _t(
    "国家重点研发计划课题 国家自然科学基金项目 自治区重大科技专项 自治区重点研发任务 "
    "兵团科技攻关项目 自治区天山英才计划项目 横向技术服务项目 地州科技计划项目"
)
AWARDS = _t(
    "自治区科学技术进步奖 兵团科学技术进步奖 中国纺织工业联合会科技进步奖 全国农牧渔业丰收奖"
)
ITEM_KINDS = _t("项目 项目 专利 论文 技术服务")


# ----- sentence templates ------------------------------------------------------------------
# Filled with str.format(**slots); every slot is drawn afresh for each use.

BIO_OPENINGS = (
    "{name}，{title}，{degree}，现任职于{institution}，主要从事{discipline}领域的教学科研与技术推广工作。",
    "{name}，{institution}{title}，{degree}毕业于{university}{discipline}专业，自治区科技特派员。",
    "{name}，{degree}，{title}，就职于{institution}，长期扎根{region}开展{discipline}方面的科研与服务。",
)
BIO_SENTENCES = (
    "长期从事{f0}、{f1}与{f2}等方向的研究，",
    "主要研究方向为{f0}和{f1}，近年来兼顾{f2}。",
    "先后主持和参与{programme}等科研项目{n}项，",
    "在{object}的{method}方面积累了丰富的现场经验，",
    "针对{cluster}企业普遍存在的{problem}问题，提出了基于{method}的系统解决方案，在{n}家企业推广应用。",
    "获{award}{grade}等奖{k}项，授权发明专利{p}件，发表学术论文{q}篇。",
    "作为科技特派员，多次深入{region}的{business}开展技术诊断、现场指导和技术人员培训。",
    "熟悉{object}、{object2}等方面的生产实际，擅长{method}与{method2}。",
    "近三年服务{region}{cluster}相关企业{n}家，帮助企业解决{problem}等技术难题。",
)
ITEM_TITLES = (
    "{object}{method}关键技术研究与应用",
    "基于{method}的{object}{field}研究",
    "{region}{cluster}产业{field}技术集成与示范",
    "一种用于{object}的{method}装置",
    "{object}{problem}成因分析及对策",
    "{field}技术在{business}中的应用",
    "{region}{object}{field}技术服务",
)
ITEM_TEXTS = (
    "针对{problem}的问题，研发了{method}技术，在{n}家企业应用后{effect}。",
    "以{object}为对象，系统研究了{field}的关键参数，{effect}。",
    "通过{method}与{method2}相结合，解决了{problem}的难题，{effect}。",
    "为{region}的{business}提供{field}现场技术服务，{effect}。",
    "建立了{object}{field}技术规程，形成可复制推广的模式，{effect}。",
)
EFFECTS = (
    "年节约成本{x}万元",
    "相关指标改善{y}%",
    "问题发生率降低{y}%",
    "产品合格率提高到{z}%",
    "能耗降低{y}%",
    "累计推广{x}亩（台套）",
    "经济效益显著",
)
DEMAND_TITLES = (
    "{complaint_head}，求技术支持",
    "关于{object}问题的技术需求",
    "{business}{topic}技术难题求助",
    "急需{topic}方面的专家",
    "{complaint_head}怎么办",
)
DEMAND_OPENINGS = (
    "我们是{region}的一家{business}，",
    "我公司位于{region}，主要做{cluster}相关业务，",
    "本{business}地处{region}，",
    "",
)
DEMAND_CONTEXT = (
    "以前请厂家来看过，没能彻底解决。",
    "现在主要靠老师傅凭经验调，效果时好时坏。",
    "自己试了好几种办法，效果都不明显。",
    "这个问题已经影响到正常生产和销售。",
    "听说别的企业用{method}解决过类似问题，不知道适不适合我们。",
    "去年因为这个问题损失了{x}万元左右。",
)
DEMAND_GOALS = (
    "希望有专家到现场看看，给出改造方案。",
    "想找懂{topic}的专家帮忙分析原因。",
    "希望专家能帮我们把问题解决，顺便培训一下技术人员。",
    "希望能找到投入不大、见效快的办法。",
    "想请专家帮我们制定一套长期可行的技术方案。",
)


@functools.cache
def _cluster_weights() -> tuple[float, ...]:
    return tuple(cluster.weight for cluster in CLUSTERS)


def _pick_cluster(rng: random.Random) -> Cluster:
    return rng.choices(CLUSTERS, weights=_cluster_weights())[0]


def _person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def _firm_name(rng: random.Random, cluster: Cluster, place: str) -> str:
    return f"{place}{rng.choice(BRANDS)}{rng.choice(cluster.firm_words)}有限公司"


@functools.cache
def enterprise_pool(seed: int, per_cluster: int = 300) -> dict[str, tuple[tuple[str, str], ...]]:
    """Return {cluster name: ((enterprise name, region), ...)} for ``seed``.

    Experts' past collaborators and conflicts, and the enterprises demands come from, are
    drawn from this pool, so collaboration and conflict signals actually fire.
    """
    pool: dict[str, tuple[tuple[str, str], ...]] = {}
    for cluster in CLUSTERS:
        rng = random.Random(f"tepai-enterprises:{seed}:{cluster.name}")
        names: dict[str, str] = {}
        for _ in range(per_cluster * 4):
            if len(names) >= per_cluster:
                break
            region, place = rng.choice(REGIONS)
            names.setdefault(_firm_name(rng, cluster, place), region)
        pool[cluster.name] = tuple(names.items())
    return pool


def _slots(rng: random.Random, cluster: Cluster, fields: list[str]) -> dict[str, object]:
    """Return a fresh set of template values drawn for ``cluster``."""
    object_, object2 = rng.sample(cluster.objects, 2)
    method, method2 = rng.sample(cluster.methods, 2)
    return {
        "cluster": cluster.name,
        "field": rng.choice(fields),
        "object": object_,
        "object2": object2,
        "method": method,
        "method2": method2,
        "problem": rng.choice(cluster.problems),
        "business": rng.choice(cluster.businesses),
        "region": rng.choice(REGIONS)[0],
        "programme": rng.choice(PROGRAMMES),
        "award": rng.choice(AWARDS),
        "grade": rng.choice("一二三"),
        "n": rng.randint(3, 25),
        "k": rng.randint(1, 4),
        "p": rng.randint(2, 30),
        "q": rng.randint(10, 120),
        "x": rng.randint(5, 800),
        "y": rng.randint(5, 60),
        "z": rng.randint(90, 99),
    }


def _effect(rng: random.Random) -> str:
    return rng.choice(EFFECTS).format(
        x=rng.randint(5, 800), y=rng.randint(5, 60), z=rng.randint(90, 99)
    )


def _bio(rng: random.Random, cluster: Cluster, head: dict[str, str], fields: list[str]) -> str:
    """Return a ~200-character bio: an opening, then shuffled sentences up to ~180–260 chars."""
    picked = rng.sample(fields, 3) if len(fields) >= 3 else (fields * 3)[:3]
    text = rng.choice(BIO_OPENINGS).format(**head)
    sentences = list(BIO_SENTENCES)
    rng.shuffle(sentences)
    for template in sentences:
        if len(text) >= 170:
            break
        slots = _slots(rng, cluster, fields)
        slots.update(f0=picked[0], f1=picked[1], f2=picked[2])
        sentence = template.format(**slots)
        if len(text) + len(sentence) <= 260:
            text += sentence
    # Sentences ending in "，" continue the thought; close the bio properly.
    return text[:-1] + "。" if text.endswith("，") else text


def _expert(seed: int, index: int) -> Expert:
    rng = random.Random(f"tepai-experts:{seed}:{index}")
    cluster = _pick_cluster(rng)
    clusters = [cluster]
    if rng.random() < 0.2:
        other = _pick_cluster(rng)
        if other is not cluster:
            clusters.append(other)
    n_fields = rng.randint(3, 6)
    fields = rng.sample(cluster.fields, min(n_fields, len(cluster.fields)))
    if len(clusters) > 1 and len(fields) > 3:
        fields[-1] = rng.choice(clusters[1].fields)
    if rng.random() < 0.3:
        fields[rng.randrange(len(fields))] = rng.choice(GENERIC_FIELDS)
    fields = list(dict.fromkeys(fields))
    region, _ = rng.choice(REGIONS)
    institution = rng.choice(INSTITUTIONS)
    name = _person_name(rng)
    title = rng.choice(TITLES)
    head = {
        "name": name,
        "title": title,
        "degree": rng.choice(DEGREES),
        "institution": institution,
        "university": rng.choice(UNIVERSITIES),
        "discipline": rng.choice(cluster.disciplines),
        "region": region,
    }
    items = []
    for _ in range(rng.randint(2, 4)):
        item_cluster = clusters[-1] if rng.random() < 0.25 else cluster
        item_fields = fields if item_cluster is cluster else list(item_cluster.fields)
        slots = _slots(rng, item_cluster, item_fields)
        slots["effect"] = _effect(rng)
        items.append(
            WorkItem(
                title=rng.choice(ITEM_TITLES).format(**slots),
                text=rng.choice(ITEM_TEXTS).format(**slots),
                kind=rng.choice(ITEM_KINDS),
            )
        )
    pool = enterprise_pool(seed)
    partners = pool[cluster.name]
    enterprises = sorted({rng.choice(partners)[0] for _ in range(rng.randint(0, 3))})
    conflicts = sorted({rng.choice(partners)[0] for _ in range(1)}) if rng.random() < 0.1 else []
    max_load = rng.randint(3, 8)
    load = max_load if rng.random() < 0.1 else rng.randint(0, max_load - 1)
    return Expert(
        id=f"E{index:06d}",
        name=name,
        title=title,
        institution=institution,
        profile=_bio(rng, cluster, head, fields),
        fields=tuple(fields),
        items=tuple(items),
        clusters=tuple(c.name for c in clusters),
        region=region,
        enterprises=tuple(enterprises),
        conflicts=tuple(conflicts),
        load=load,
        max_load=max_load,
    )


def generate_experts(n: int, seed: int = 0) -> list[Expert]:
    """Return ``n`` synthetic experts; the same (n, seed) always gives the same list.

    Expert ``i`` depends only on (seed, i), so a smaller n gives a prefix of a larger one.
    Ids are ``E000000``, ``E000001``, ...
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    return [_expert(seed, index) for index in range(n)]


def _demand(seed: int, index: int) -> Demand:
    rng = random.Random(f"tepai-demands:{seed}:{index}")
    cluster = _pick_cluster(rng)
    enterprise, region = rng.choice(enterprise_pool(seed)[cluster.name])
    slots = _slots(rng, cluster, list(cluster.fields))
    complaint, expertise = rng.choice(cluster.complaints)
    topic = expertise if rng.random() < 0.7 else rng.choice(cluster.fields)
    slots.update(region=region, complaint_head=complaint.split("，")[0], topic=topic)
    parts = [rng.choice(DEMAND_OPENINGS).format(**slots) + complaint + "。"]
    if rng.random() < 0.3:  # a second, unrelated complaint of the same cluster
        other, _ = rng.choice(cluster.complaints)
        if other != complaint:
            parts.append("另外，" + other + "。")
    for template in rng.sample(DEMAND_CONTEXT, rng.randint(1, 2)):
        parts.append(template.format(**slots))
    parts.append(rng.choice(DEMAND_GOALS).format(**slots))
    skills: tuple[str, ...] = ()
    if rng.random() < 0.6:  # many enterprises fill in no skills at all
        skills = (expertise,)
        if rng.random() < 0.3:
            skills = tuple(dict.fromkeys((expertise, rng.choice(cluster.fields))))
    return Demand(
        id=f"D{index:06d}",
        title=rng.choice(DEMAND_TITLES).format(**slots),
        text="".join(parts),
        skills=skills,
        cluster=cluster.name,
        region=region,
        enterprise=enterprise,
    )


def generate_demands(n: int, seed: int = 0) -> list[Demand]:
    """Return ``n`` synthetic enterprise demands in plain language, deterministic for a seed.

    Demand ``i`` depends only on (seed, i). Enterprises come from the same pool as the
    experts' collaborators and conflicts of the same seed. Ids are ``D000000``, ...
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    return [_demand(seed, index) for index in range(n)]


def changed_expert(expert: Expert, revision: int = 1) -> Expert:
    """Return ``expert`` as edited by its owner: one more work item and a longer bio.

    Deterministic for (expert, revision); the new texts are new to any encoder cache.
    """
    rng = random.Random(f"tepai-change:{expert.id}:{revision}")
    cluster = next((c for c in CLUSTERS if c.name in expert.clusters), CLUSTERS[0])
    slots = _slots(rng, cluster, list(expert.fields) or list(cluster.fields))
    slots["effect"] = _effect(rng)
    item = WorkItem(
        title=rng.choice(ITEM_TITLES).format(**slots) + f"（{2020 + revision % 6}年）",
        text=rng.choice(ITEM_TEXTS).format(**slots),
        kind=rng.choice(ITEM_KINDS),
    )
    addition = rng.choice(BIO_SENTENCES).format(
        **slots, f0=slots["field"], f1=rng.choice(cluster.fields), f2=rng.choice(cluster.fields)
    )
    return replace(expert, profile=expert.profile + addition, items=(*expert.items, item))


def main(argv: list[str] | None = None) -> int:
    """Print sample experts and demands as JSON lines (for eyeballing the text)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=3)
    parser.add_argument("--demands", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for expert in generate_experts(args.experts, args.seed):
        print(json.dumps(asdict(expert), ensure_ascii=False))
    for demand in generate_demands(args.demands, args.seed):
        print(json.dumps(asdict(demand), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
