#!/usr/bin/env python3
"""Build data/detailed/ (539 detailed occupations) from the project's compiled source tables.

Kept for provenance; the build and the tests never run it. Usage:
    /usr/bin/python3 scripts/derive_detailed.py SHARED_DATA_DIR

Inputs (SHARED_DATA_DIR):
  occupation_network_detailed/asec_to_bls_mobility_edgelist.csv  the 539-node annual mobility
      network (del Rio-Chanona et al.; CC BY 4.0)
  occupation_groups/mobility_node_group_shares.csv  each node's SOC-2018 codes and its share in
      each of the 24 groups
  occupation_ai_exposure_all_detailed.csv  OEWS May 2024 employment and wages, GPT-4 exposure
      (Eloundou et al.), Frey-Osborne probabilities, by SOC-2018 code
and data/occupations.csv (the 24 groups: coordination, tech share and flags).

Per node: employment and wages are OEWS May 2024 over its SOC-2018 codes (a code listed by k
nodes gives each 1/k of its employment); exposure and routine content are the employment-weighted
means over those codes, or the node's largest group's where the codes have none; coordination
and tech share are the group-share-weighted means of the groups'; the flags are the largest
group's; complementarity = exposure (1 - routine) (1 - coordination), as for the groups. The
mobility matrix is the network's annual transition probabilities, each row divided by its sum
(the rows sum to 1 within 0.4% in the source).
"""
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def main(shared):
    shared = Path(shared)
    groups = {g["id"]: g for g in rows(ROOT / "data" / "occupations.csv")}
    nodes = rows(shared / "occupation_groups" / "mobility_node_group_shares.csv")
    soc = {r["soc2018"]: r for r in rows(shared / "occupation_ai_exposure_all_detailed.csv")}
    edges = rows(shared / "occupation_network_detailed" / "asec_to_bls_mobility_edgelist.csv")
    listed = defaultdict(int)
    for n in nodes:
        for code in n["soc2018_codes"].split():
            listed[code] += 1
    out, filled = [], {"exposure": 0, "routine": 0, "employment": 0}
    for n in nodes:
        shares = {g: float(n[g]) for g in groups}
        top = max(shares, key=shares.get)
        emp = wage = 0.0
        exp_w = exp_sum = rout_w = rout_sum = 0.0
        for code in n["soc2018_codes"].split():
            r = soc.get(code)
            if r is None or not r["oews_emp_may2024"]:
                continue
            e = float(r["oews_emp_may2024"]) / listed[code]
            emp += e
            if r["oews_mean_wage_usd_2024"]:
                wage += e * float(r["oews_mean_wage_usd_2024"])
            if r["gpt4_exposure_beta_eloundou2024"]:
                exp_w += e
                exp_sum += e * float(r["gpt4_exposure_beta_eloundou2024"])
            if r["frey_osborne_prob_computerisation"]:
                rout_w += e
                rout_sum += e * float(r["frey_osborne_prob_computerisation"])
        if emp <= 0:  # no May 2024 match: the node's May 2018 employment, its group's wage
            emp = float(n["oews_emp_may2018"] or 0) or 1.0
            wage = emp * float(groups[top]["wage_month_usd"]) * 12
            filled["employment"] += 1
        exposure = exp_sum / exp_w if exp_w > 0 else float(groups[top]["exposure"])
        routine = rout_sum / rout_w if rout_w > 0 else float(groups[top]["routine"])
        filled["exposure"] += exp_w <= 0
        filled["routine"] += rout_w <= 0
        coordination = sum(s * float(groups[g]["coordination"]) for g, s in shares.items())
        tech = sum(s * float(groups[g]["tech_share"]) for g, s in shares.items())
        wage_month = wage / emp / 12 if wage > 0 else float(groups[top]["wage_month_usd"])
        out.append({
            "id": n["bls_node_soc2010"], "name": n["title"].strip(), "employment": round(emp),
            "wage_month_usd": f"{wage_month:.2f}", "exposure": f"{exposure:.4f}",
            "routine": f"{routine:.4f}", "coordination": f"{coordination:.4f}",
            "complementarity": f"{exposure * (1 - routine) * (1 - coordination):.4f}",
            "manager": groups[top]["manager"], "ai_role": groups[top]["ai_role"],
            "knowledge_role": groups[top]["knowledge_role"], "tech_share": f"{tech:.4f}",
            "group": top})
    ids = [o["id"] for o in out]
    index = {c: i for i, c in enumerate(ids)}
    P = [[0.0] * len(ids) for _ in ids]
    for e in edges:
        P[index[e["OCC_source"]]][index[e["OCC_target"]]] = float(e["transition_prob_BLS_ASECnorm_corr"])
    dest = ROOT / "data" / "detailed"
    dest.mkdir(exist_ok=True)
    head = ("# {what}\n# Built by scripts/derive_detailed.py; sources and licences: data/README.md "
            "(detailed occupations).\n")
    with open(dest / "occupations.csv", "w", newline="") as f:
        f.write(head.format(what="occupations.csv - 539 detailed BLS occupations (SOC-2010 nodes of the "
                                 "mobility network) with OEWS May 2024 employment and wages, AI exposure, "
                                 "routine and coordination content, flags, and the 24-group each mostly "
                                 f"belongs to. Filled from the node's group: exposure {filled['exposure']}, "
                                 f"routine {filled['routine']}, employment {filled['employment']} nodes."))
        w = csv.DictWriter(f, fieldnames=list(out[0]))
        w.writeheader()
        w.writerows(out)
    with open(dest / "mobility.csv", "w", newline="") as f:
        f.write(head.format(what="mobility.csv - 539 x 539 annual occupation-to-occupation transition "
                                 "probabilities (rows: origin, normalised to sum to 1)."))
        f.write("origin," + ",".join(ids) + "\n")
        for i, row in enumerate(P):
            s = sum(row)
            f.write(ids[i] + "," + ",".join("0" if x == 0 else f"{x / s:.6g}" for x in row) + "\n")
    print(f"{len(out)} occupations; filled {filled}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
