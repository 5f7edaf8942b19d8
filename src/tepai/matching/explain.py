"""Explanations a programme clerk can read: why this expert for this demand, in Chinese."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tepai.matching.records import Demand, Evidence, Expert, Explanation

_MAX_TERMS = 6
# Shown terms should tell a clerk something; one-character and generic words (高, 度, 利用)
# still count in the score but are left out of the explanation. Two kinds are generic: what
# every technical text says (方法, 系统, 优化) and what every career or project text says
# (研发, 项目, 主持, 示范). The engine adds a data-driven test on top (a term most profile
# parts contain is not telling either; MatchingEngine.telling).
_GENERIC_TEXT = (
    "利用 效果 方法 应用 系统 技术 研究 分析 提高 提升 降低 减少 增加 解决 问题 需求 "
    "质量 检测 优化 控制 管理 效率 加工 工艺 处理 评价 设计 性能 标准 产品 改造 治理 能力 "
    "环境 成本 分析 监测 设备 工程 生产 操作 制作 建设 含量 程度 因素 机制 模型 装置 材料 "
    "过程 参数 数据 智能 自动 自动化 在线 实时 远程 快速 稳定 稳定性 波动 升高 安全 经济 "
    "运行 作业 周期 直接 计划 研发 项目 科技 试验 实验 示范 推广 主持 发表 论文 专利 国家 "
    "省部级 企业 工作 单位 开展 相关 服务 合作 关键 关键技术 集成 技术服务 长期 高效 "
    "科学 建立 现场 基地 产业 行业 发展 创新 成果 指导 培训 团队 平台 综合 体系"
)
_GENERIC_TERMS = frozenset(_GENERIC_TEXT.split())


@dataclass(frozen=True)
class Wording:
    """The nouns of an explanation, so one engine can rank experts, outcomes or demands."""

    lead: str = "推荐"  # "推荐张三：…"
    query: str = "需求"  # whose words a thesaurus bridge started from
    item: str = "代表性成果"  # a work item of the ranked record
    profile: str = "个人简介和研究方向"  # the ranked record's own description


EXPERT_WORDING = Wording()
OUTCOME_WORDING = Wording(lead="推荐成果", item="应用案例", profile="成果简介和关键词")
DEMAND_WORDING = Wording(lead="推荐需求", query="专家简介", item="关联材料", profile="需求描述")


def telling(term: str) -> bool:
    """Return True if ``term`` is worth showing a reader as a reason for a match."""
    return len(term) >= 2 and term not in _GENERIC_TERMS


def _describe_term(term: str, sources: Mapping[str, str], wording: Wording) -> str:
    """Return a matched term, noting the query's own word it was reached from if expanded."""
    source = sources.get(term)
    return f"{term}（{wording.query}中的“{source}”）" if source else term


def _shown(term: str, sources: Mapping[str, str]) -> bool:
    """Return True if a matched term may be shown: telling, and a bridge only to a telling
    word from a telling word (评价（需求中的“不安全”）explains nothing)."""
    source = sources.get(term)
    return telling(term) and (source is None or telling(source))


def build_explanation(
    expert: Expert,
    demand: Demand,
    evidence: Sequence[Evidence],
    signals: Sequence[str],
    term_sources: Mapping[str, str],
    wording: Wording = EXPERT_WORDING,
) -> Explanation:
    """Return the explanation of ``expert``'s match to ``demand``.

    The matched terms are those of the strongest evidence first; a term reached through the
    thesaurus names the demand's word it came from, so "翅片积灰（需求中的“柳絮”）" shows the
    bridge between the enterprise's plain words and the expert's vocabulary.
    """
    terms: list[str] = []
    for item in evidence:
        for term in item.terms:
            if term not in terms and _shown(term, term_sources):
                terms.append(term)
    terms = terms[:_MAX_TERMS]
    sentences: list[str] = []
    if terms:
        described = "、".join(_describe_term(term, term_sources, wording) for term in terms)
        sentences.append(f"匹配要点：{described}")
    if evidence:
        lead = evidence[0]
        if lead.source.startswith("item:"):
            sentences.append(f"其{wording.item}《{lead.label}》与{wording.query}最接近")
        else:
            sentences.append(f"其{wording.profile}与{wording.query}最接近")
        others = [item.label for item in evidence[1:] if item.source.startswith("item:")]
        if others:
            sentences.append("另有《" + "》《".join(others) + "》相关")
    if not terms and evidence:
        sentences.append("语义相近（无直接相同的关键词）")
    sentences.extend(signals)
    name = expert.name or expert.id
    text = (
        f"{wording.lead}{name}：" + "；".join(sentences) + "。"
        if sentences
        else f"{wording.lead}{name}。"
    )
    return Explanation(tuple(terms), tuple(evidence), tuple(signals), text)
