"""``tepai match``: recommend experts, propose teams, assign demand lists, evaluate rankings."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tepai.matching import InfeasibleAssignment, InvalidInput, MatchingError
from tepai.recommender import service
from tepai.recommender.live import shared_engine, snapshots

if TYPE_CHECKING:
    from tepai.matching import MatchingEngine
    from tepai.recommender.catalogs import CatalogMatch


class Command(BaseCommand):
    help = (
        "供需对接：recommend 推荐特派员；outcomes 推荐成果；demands 为特派员推荐需求；"
        "team 组团；assign 整批需求最优分配；eval 评测。"
    )
    # The system checks import every URL module (the web views, the API schema, SciPy):
    # about a second a call spent on nothing this read-only command uses.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        recommend = sub.add_parser("recommend", help="为一项需求推荐特派员（附推荐理由）")
        recommend.add_argument("--demand", required=True, help="需求编号或 ID")
        recommend.add_argument("--top", type=int, default=10)
        recommend.add_argument("--batch", help="只在该批次的特派员中推荐")
        recommend.add_argument("--centre", help="只在该创新中心的特派员中推荐")
        recommend.add_argument("--institution", help="只在该单位的特派员中推荐")
        recommend.add_argument(
            "--include-full", action="store_true", help="也推荐在研项目已达上限的特派员"
        )
        recommend.add_argument("--format", choices=["text", "json"], default="text")

        outcomes = sub.add_parser("outcomes", help="为一项需求推荐可转化的科技成果")
        outcomes.add_argument("--demand", required=True, help="需求编号或 ID")
        outcomes.add_argument("--top", type=int, default=5)
        outcomes.add_argument("--format", choices=["text", "json"], default="text")

        demands = sub.add_parser("demands", help="为一位特派员推荐合适的开放需求")
        demands.add_argument("--expert", required=True, help="特派员编号或 ID")
        demands.add_argument("--top", type=int, default=10)
        demands.add_argument("--format", choices=["text", "json"], default="text")

        team = sub.add_parser("team", help="为一项需求组建覆盖全部所需技能的团队")
        team.add_argument("--demand", required=True, help="需求编号或 ID")
        team.add_argument("--size", type=int, default=4, help="团队人数上限")
        team.add_argument("--threshold", type=float, default=0.5, help="视为覆盖技能的最低匹配度")
        team.add_argument("--format", choices=["text", "json"], default="text")

        assign = sub.add_parser("assign", help="整批需求与专家的全局最优分配")
        source = assign.add_mutually_exclusive_group(required=True)
        source.add_argument("--list", help="需求发布批次名称（按数据库中的特派员打分）")
        source.add_argument("--scores", help="打分文件 scores.csv（demand,expert,score）")
        assign.add_argument("--conflicts", help="利益冲突文件 conflicts.csv（demand,expert）")
        assign.add_argument("--forced", help="必须分配的配对文件 forced.csv（demand,expert）")
        assign.add_argument("--max-load", type=int, default=3, help="每位专家最多承担的需求数")
        assign.add_argument("--per-demand-min", type=int, default=1)
        assign.add_argument("--per-demand-max", type=int, default=2)
        assign.add_argument("--fair", action="store_true", help="公平模式：优先提高最差需求的得分")
        assign.add_argument("--format", choices=["text", "json"], default="text")

        evaluate = sub.add_parser("eval", help="在 BEIR 格式数据上评测排序质量")
        evaluate.add_argument("--corpus", required=True)
        evaluate.add_argument("--queries", required=True)
        evaluate.add_argument(
            "--qrels", required=True, help="qrels.tsv；没有任何判定行的查询视为“无人适合”"
        )
        evaluate.add_argument(
            "--run-out", help="把每个查询的排序与“无人适合”判断写成 JSON Lines 文件"
        )
        evaluate.add_argument("--format", choices=["text", "json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # Each call is a new process: it reuses the indexes the previous one left on disk
            # (refreshed by fingerprints) instead of indexing every record again.
            with snapshots():
                getattr(self, f"_{options['action']}")(options)
        except (service.NotFound, InvalidInput) as error:
            raise CommandError(str(error)) from error
        except InfeasibleAssignment as error:
            for reason in error.reasons:
                self.stderr.write(reason)
            raise CommandError("无法满足全部约束，未生成分配方案") from error
        except MatchingError as error:
            raise CommandError(str(error)) from error

    def _engine(self) -> MatchingEngine:
        return shared_engine(progress=service.stderr_progress("建立专家索引"))

    def _emit(self, options: dict[str, Any], data: Any, text: str) -> None:
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(text)

    # ----- subcommands ---------------------------------------------------------------------
    def _recommend(self, options: dict[str, Any]) -> None:
        record = service.find_demand(options["demand"])
        engine = self._engine()
        result = service.recommend(
            engine,
            record,
            options["top"],
            batch=options["batch"],
            centre=options["centre"],
            institution=options["institution"],
            include_full=options["include_full"],
        )
        advice = service.no_fit_advice(
            engine,
            record,
            result,
            batch=options["batch"],
            centre=options["centre"],
            institution=options["institution"],
        )
        people = service.commissioners_by_id([r.expert_id for r in result.recommendations])
        rows = []
        lines = [f"需求：{record.title}（{record.enterprise.name}）"]
        if result.no_fit:
            lines.append(result.no_fit_reason)
            lines += [f"  · {line}" for line in advice]
            if result.recommendations:
                lines.append("以下为最接近的人选（把握度低）：")
        for item in result.recommendations:
            person = people[item.expert_id]
            explanation = item.explanation.text if item.explanation else ""
            rows.append(
                {
                    "rank": item.rank,
                    "expert_id": int(item.expert_id),
                    "expert_code": person.code,
                    "name": person.name,
                    "institution": person.institution.name,
                    "score": item.score,
                    "confidence": item.confidence,
                    "explanation": explanation,
                    "matched_terms": list(item.explanation.matched_terms)
                    if item.explanation
                    else [],
                    "components": item.components,
                }
            )
            lines.append(
                f"{item.rank:>2}. {person.name}（{person.institution.name}）"
                f" 匹配度 {item.score:.3f}（把握度{item.confidence}）\n    {explanation}"
            )
        data = {
            "demand": {"id": record.pk, "code": record.code, "title": record.title},
            "no_fit": result.no_fit,
            "no_fit_reason": result.no_fit_reason,
            "uncovered": list(result.uncovered),
            "fit_probability": result.fit_probability,
            "advice": advice,
            "recommendations": rows,
        }
        self._emit(options, data, "\n".join(lines))

    def _outcomes(self, options: dict[str, Any]) -> None:
        record = service.find_demand(options["demand"])
        matches = service.recommend_outcomes(record, options["top"])
        heading = f"需求：{record.title}（{record.enterprise.name}）"
        self._emit_catalog(options, heading, matches, "outcome_id", "暂无可推荐的科技成果。")

    def _demands(self, options: dict[str, Any]) -> None:
        person = service.find_commissioner(options["expert"])
        self._engine()  # built here, with a progress line, rather than silently inside the call
        matches = service.recommend_demands(person, options["top"])
        heading = f"特派员：{person.name}"
        self._emit_catalog(options, heading, matches, "demand_id", "暂无适合的开放需求。")

    def _emit_catalog(
        self,
        options: dict[str, Any],
        heading: str,
        matches: list[CatalogMatch],
        id_key: str,
        empty: str,
    ) -> None:
        rows = [
            {
                "rank": rank,
                id_key: match.id,
                "title": match.title,
                "score": match.score,
                "explanation": match.explanation_text,
                "matched_terms": list(match.matched_terms),
            }
            for rank, match in enumerate(matches, start=1)
        ]
        lines = [heading]
        lines += [
            f"{row['rank']:>2}. {row['title']} 匹配度 {row['score']:.3f}\n    {row['explanation']}"
            for row in rows
        ]
        if not rows:
            lines.append(empty)
        self._emit(options, rows, "\n".join(lines))

    def _team(self, options: dict[str, Any]) -> None:
        record = service.find_demand(options["demand"])
        engine = self._engine()
        proposal = service.propose_team(
            engine, record, max_size=options["size"], threshold=options["threshold"]
        )
        team = proposal.team
        people = service.commissioners_by_id([m.expert_id for m in team.members])
        members: list[dict[str, Any]] = [
            {
                "expert_id": int(member.expert_id),
                "expert_code": people[member.expert_id].code,
                "name": people[member.expert_id].name,
                "institution": people[member.expert_id].institution.name,
                "covers": member.covers,
                "affinity": round(member.affinity, 6),
            }
            for member in team.members
        ]
        data = {
            "demand": record.pk,
            "skills": proposal.skills,
            "members": members,
            "uncovered": team.uncovered,
            "institutions": team.institutions,
            "method": team.method,
        }
        lines = [f"需求：{record.title}", f"所需技能：{'、'.join(proposal.skills)}"]
        for member in members:
            covers = "、".join(member["covers"]) or "（综合匹配）"
            lines.append(f"  {member['name']}（{member['institution']}）负责：{covers}")
        if not members:
            lines.append("现有特派员中无人能覆盖上述技能，建议扩大专家库或人工推荐。")
        if team.uncovered:
            lines.append(f"无人覆盖的技能：{'、'.join(team.uncovered)}")
        method = "精确求解" if team.method == "exact" else "贪心近似"
        lines.append(f"团队来自 {team.institutions} 家单位（{method}）")
        self._emit(options, data, "\n".join(lines))

    def _assign(self, options: dict[str, Any]) -> None:
        from tepai.matching import assignment_to_json, read_conflicts, read_scores

        if options["scores"]:
            from tepai.matching import solve_assignment

            pairs = read_scores(options["scores"])
            conflicts = read_conflicts(options["conflicts"]) if options["conflicts"] else []
            # Same two-column format as conflicts: pairs the office has already agreed.
            forced = read_conflicts(options["forced"]) if options["forced"] else []
            result = solve_assignment(
                pairs,
                max_load=options["max_load"],
                per_demand_min=options["per_demand_min"],
                per_demand_max=options["per_demand_max"],
                conflicts=conflicts,
                forced=forced,
                fair=options["fair"],
            )
            data = assignment_to_json(result)
            lines = [f"目标值（总匹配度）：{result.objective:.6f}"]
            lines += [f"  {a.demand} ← {a.expert}（{a.score:.4f}）" for a in result.assignments]
            self._emit(options, data, "\n".join(lines))
            return
        if options["conflicts"] or options["forced"]:
            raise CommandError(
                "--conflicts/--forced 只能与 --scores 一起使用；数据库中的利益冲突会自动排除"
            )
        self._assign_list(options)

    def _assign_list(self, options: dict[str, Any]) -> None:
        """Assign a published list exactly as its web page does (the same function)."""
        from tepai.recommender.assignment import run_assignment

        demand_list = service.find_demand_list(options["list"])
        self._engine()  # built here, with a progress line, rather than silently inside the run
        run = run_assignment(
            demand_list,
            max_load=options["max_load"],
            per_demand_min=options["per_demand_min"],
            per_demand_max=options["per_demand_max"],
            fair=options["fair"],
        )
        if not run.feasible:
            for reason in run.reasons:
                self.stderr.write(reason)
            raise CommandError("无法满足全部约束，未生成分配方案")
        pairings = sorted(
            run.pairings,
            key=lambda p: (str(p.demand.pk), -p.score, str(p.commissioner.pk)),
        )
        data: dict[str, Any] = {
            "objective": run.objective,
            "assignments": [
                {
                    "demand": str(p.demand.pk),
                    "expert": str(p.commissioner.pk),
                    "score": p.score,
                    "demand_title": p.demand.title,
                    "expert_name": p.commissioner.name,
                    "explanation": p.explanation,
                }
                for p in pairings
            ],
        }
        if run.min_demand_score is not None:
            data["min_demand_score"] = run.min_demand_score
        if run.already_open:
            data["already_open"] = {str(pk): n for pk, n in run.already_open.items()}
        lines = [f"共 {len(run.demands)} 项需求，目标值（总匹配度）：{run.objective:.4f}"]
        for p in pairings:
            lines.append(f"  {p.demand.title} ← {p.commissioner.name}（{p.score:.3f}）")
        if run.already_open:
            lines.append(f"已计入 {sum(run.already_open.values())} 条待答复的推荐。")
        missing = run.unassigned()
        if missing:
            lines.append("未分配到特派员的需求：" + "、".join(d.title for d in missing))
        self._emit(options, data, "\n".join(lines))

    def _eval(self, options: dict[str, Any]) -> None:
        from tepai.matching import (
            MatchingEngine,
            load_corpus,
            load_qrels,
            load_queries,
            matcher_metrics,
            run_matcher,
            write_run,
        )

        experts = load_corpus(options["corpus"])
        demands = load_queries(options["queries"])
        qrels = load_qrels(options["qrels"])
        unknown = sorted(set(qrels) - {demand.id for demand in demands})
        if unknown:
            raise CommandError(f"qrels 中的查询 {unknown[0]} 不在查询文件中")
        # Scored exactly as the live path: same engine, the demands observed as the live
        # engine observes every stored demand, and a no-fit judgement per query.
        engine = MatchingEngine(encoder=service.build_encoder())
        run = run_matcher(engine, experts, demands, k=100)
        if options["run_out"]:
            write_run(options["run_out"], run)
        metrics = matcher_metrics(run, qrels, [demand.id for demand in demands])
        keys = (
            "ndcg@5",
            "ndcg@10",
            "recall@10",
            "mrr",
            "precision@5",
            "top1",
            "no_fit_recall",
            "false_no_fit",
            "queries",
            "no_fit_queries",
        )
        data = {key: metrics[key] for key in keys}
        text = "  ".join(
            f"{key}={value:.4f}" if isinstance(value, float) else f"{key}={value}"
            for key, value in data.items()
        )
        self._emit(options, data, text)
