#!/usr/bin/env python3
"""Derive data/occupations.csv and data/mobility.csv from the compiled source tables.

Provenance tool only: the simulator and its tests read data/, never this script's input.
Usage: scripts/derive_data.py SOURCE_DIR  (the folder holding occupation_groups/, see data/README.md)
"""
import csv
import sys
from pathlib import Path

HEADER = """# labourshift occupation table: 24 occupation groups covering all 831 OEWS May 2024 detailed occupations.
# Source: BLS Occupational Employment and Wage Statistics, May 2024 (national_M2024_dl.csv), grouped by the
#   SOC-2018 map documented in data/README.md; exposure: Eloundou, Manning, Mishkin & Rock, "GPTs are GPTs",
#   Science 2024 (GPT-4 beta rating, employment-weighted, MIT licence); routine: Frey & Osborne (2017)
#   probability of computerisation, crosswalked SOC-2010 -> SOC-2018, employment-weighted.
# Columns: id; name; employment (persons, May 2024); wage_month_usd (mean annual wage / 12, USD per month);
#   exposure (share of task content GPT-4-class AI can perform, 0-1); routine (Frey-Osborne, 0-1);
#   coordination (share of the group's employment in occupations tagged coordination_routine, 0-1);
#   complementarity (derived: exposure * (1 - routine) * (1 - coordination), the non-routine,
#   non-coordination exposed content AI amplifies); manager, ai_role, knowledge_role (0/1 flags);
#   tech_share (share of the group's employment in the 45 occupations relevant to a tech firm, used to
#   build tech firms' occupation mix).
"""

MOBILITY_HEADER = """# labourshift mobility matrix A: annual probability that a worker of the row group is in the column group a
# year later (diagonal = stay), rows sum to 1. Aggregated to the 24 groups from the CPS-ASEC occupational
# mobility network of del Rio-Chanona et al. (github.com/RMariaDelRioChanona/CanadaLaborApplication,
# labour_abm_canada/data/ONET/asec_to_bls_mobility_edgelist.csv, column transition_prob_BLS_ASECnorm_corr),
# source rows weighted by OEWS employment; see data/README.md for the aggregation rules.
"""


def role_share(mix: str, role: str) -> float:
    """Share of `role` in a mix written "role:share;role:share" (empty: no tagged occupations)."""
    for part in filter(None, mix.split(";")):
        name, share = part.split(":")
        if name == role:
            return float(share)
    return 0.0


def main(src: Path, dst: Path) -> None:
    groups = list(csv.DictReader(open(src / "occupation_groups" / "occupation_groups.csv")))
    rows = []
    for g in groups:
        e = float(g["gpt4_exposure_beta_eloundou2024"])
        r = float(g["frey_osborne_prob_computerisation"])
        k = float(g["tech_tagged_emp_share"]) * role_share(g["tech_sim_role_mix"], "coordination_routine")
        rows.append([
            g["group_id"], g["name"], g["employment_may2024"],
            f"{float(g['wage_mean_usd']) / 12:.2f}", f"{e:.4f}", f"{r:.4f}", f"{k:.4f}",
            f"{e * (1 - r) * (1 - k):.4f}",
            g["manager"], g["ai_role"], g["knowledge_role"], f"{float(g['tech_tagged_emp_share']):.4f}",
        ])
    with open(dst / "occupations.csv", "w", newline="") as f:
        f.write(HEADER)
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "employment", "wage_month_usd", "exposure", "routine", "coordination",
                    "complementarity",
                    "manager", "ai_role", "knowledge_role", "tech_share"])
        w.writerows(rows)
    with open(src / "occupation_groups" / "mobility_groups.csv") as f_in, open(dst / "mobility.csv", "w") as f:
        f.write(MOBILITY_HEADER)
        f.write(f_in.read())


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "data")
