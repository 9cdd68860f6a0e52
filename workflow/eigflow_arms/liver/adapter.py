"""The liver arm's adapter to the shared attribution stage: the splicing arm's, with the
liver's class of interest (cassette exons changing in the liver against at least
``liver.min_tissues`` tissues), its own sample sets, shards and methods, and the splicing
arm's data, model and graphs."""
from __future__ import annotations

from eigflow_arms.common import config_check
from eigflow_arms.splicing.adapter import SplicingArm


class LiverArm(SplicingArm):
    name = "liver"
    section = "liver"
    figures = ("fig4a", "fig4b", "fig4c", "fig4d", "fig4e", "figS11", "figS12", "liver_gia")
    tables = ()

    def check(self) -> None:
        # A simulated liver's knockout and PAR-CLIP are of the program's liver regulator.
        problems = self.section_problems() + self.program_problems(
            self.settings.get("tissue") if self.simulated() else None)
        for method in self.experiments():
            problems += config_check.method_problems(method, "liver.methods", self.computed())
        config_check.refuse(problems)

    def targets(self) -> list[str]:
        # liver_gia recomputes features from edited sequences: a user's own feature matrix
        # cannot be recomputed, so with one the figure is not a target.
        own = self.splicing.get("source") == "files" and self.splicing.get("files", {}).get("features")
        return [f for f in self.figures if not (own and f == "liver_gia")]

    def experiments(self) -> list[str]:
        return list(self.settings.get("methods", []))

    def min_tissues(self) -> int:
        return self.settings.get("min_tissues")
