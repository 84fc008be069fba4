"""``actionable serve`` over real HTTP: a server in a subprocess on a free loopback port,
every endpoint, the request bodies the OncoKB annotator writes, authentication on and
off, bad requests, a 1,000-query batch, and shutdown."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from serve_helpers import Server, free_port, running_server

from actionable.evaluate import kb_version

API = "/api/v1"
MUTATIONS = API + "/annotate/mutations/byProteinChange"
CNA = API + "/annotate/copyNumberAlterations"
SV = API + "/annotate/structuralVariants"
TOKEN = "test-token-0123456789-abcdefghij"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("serve")) as running:
        yield running


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that wants a token, with two worker processes (each reads the token file)."""
    folder = tmp_path_factory.mktemp("serve-token")
    token_file = folder / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    with running_server(folder, "--token-file", str(token_file), "--workers", "2") as running:
        yield running


def _drugs(body: dict[str, Any], level: str) -> list[str]:
    chosen = [t for t in body["treatments"] if t["level"] == level]
    return ["+".join(d["drugName"] for d in t["drugs"]) for t in chosen]


def _no_traceback(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text and 'File "' not in response.text


# --------------------------------------------------------------------------- metadata
def test_info_carries_our_knowledge_base_version(server: Server) -> None:
    info = httpx.get(server.url + API + "/info").json()
    version, date = kb_version()
    assert info["dataVersion"] == {"version": version, "date": date}
    levels = [entry["levelOfEvidence"] for entry in info["levels"]]
    assert levels == [f"LEVEL_{level}" for level in ("1", "2", "3A", "3B", "4", "R1", "R2")]


def test_gene_lists(server: Server) -> None:
    listing = httpx.get(server.url + API + "/utils/allCuratedGenes").json()
    genes = {g["hugoSymbol"]: g for g in listing}
    assert genes["BRAF"]["entrezGeneId"] == 673
    assert genes["BRAF"]["highestSensitiveLevel"] == "LEVEL_1"
    assert genes["BRAF"]["geneType"] == "ONCOGENE"
    assert genes["BRAF"]["grch38RefSeq"].startswith("NM_")
    # A gene with a curated role and no rule is listed too: its variants are annotated.
    assert genes["TP53"]["geneType"] == "TSG" and genes["TP53"]["highestSensitiveLevel"] is None
    text = httpx.get(server.url + API + "/utils/allCuratedGenes.txt").text.splitlines()
    assert text[0].split("\t")[3] == "Hugo Symbol"
    assert any(line.split("\t")[3] == "BRAF" and "LEVEL_1" in line for line in text[1:])
    cancer = httpx.get(server.url + API + "/utils/cancerGeneList").json()
    assert {g["hugoSymbol"] for g in cancer} == set(genes)
    assert all(g["oncokbAnnotated"] for g in cancer)
    listed = httpx.get(server.url + API + "/utils/cancerGeneList.txt").text
    assert listed.startswith("Hugo Symbol\tEntrez Gene ID") and "\nBRAF\t673\t" in listed


def test_docs_work_offline(server: Server) -> None:
    page = httpx.get(server.url + "/docs")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text  # no CDN asset
    script = httpx.get(server.url + "/static-offline-docs/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    paths = httpx.get(server.url + "/openapi.json").json()["paths"]
    for path in (MUTATIONS, CNA, SV, API + "/info", "/api/actionable/report"):
        assert path in paths


# --------------------------------------------------------------------------- annotation
def test_braf_v600e_colon_nec_versus_colorectal_adenocarcinoma(server: Server) -> None:
    def ask(tumor: str) -> dict[str, Any]:
        params = {"hugoSymbol": "BRAF", "alteration": "V600E", "tumorType": tumor}
        response = httpx.get(server.url + MUTATIONS, params=params)
        assert response.status_code == 200
        return dict(response.json())

    nec = ask("colon NEC")
    assert nec["geneExist"] and nec["variantExist"] and nec["oncogenic"] == "Oncogenic"
    assert nec["mutationEffect"]["knownEffect"] == "Gain-of-function"
    assert nec["highestSensitiveLevel"] == "LEVEL_1" and nec["highestResistanceLevel"] is None
    assert _drugs(nec, "LEVEL_1") == ["Dabrafenib+Trametinib"]
    first = nec["treatments"][0]
    assert first["levelAssociatedCancerType"]["name"] == "all solid tumors"
    assert "32758030" in first["pmids"]
    assert nec["query"]["tumorType"] == "colon NEC"
    assert nec["actionable"]["tumorType"] == "HGNEC"

    crc = ask("Colorectal Adenocarcinoma")
    assert crc["actionable"]["tumorType"] == "COADREAD"
    assert crc["highestSensitiveLevel"] == "LEVEL_1" and crc["highestResistanceLevel"] == "LEVEL_R2"
    assert "Encorafenib+Cetuximab" in _drugs(crc, "LEVEL_1")
    assert "Dabrafenib+Trametinib" not in _drugs(crc, "LEVEL_1")
    assert {"Cetuximab", "Panitumumab"} <= set(_drugs(crc, "LEVEL_R2"))


class _Gene:
    def __init__(self, hugo: str) -> None:
        self.hugoSymbol = hugo


class _ProteinChange:
    """A query object built as oncokb-annotator builds one (attributes set only when the
    MAF row has them; the body is json.dumps(queries, default=vars))."""

    def __init__(self, hugo: str, change: str, tumor: str, consequence: str, start: str) -> None:
        self.gene = _Gene(hugo)
        self.alteration = change.removeprefix("p.")
        self.consequence = consequence
        self.proteinStart = start
        self.proteinEnd = start
        self.tumorType = tumor
        self.referenceGenome = "GRCh37"


def _columns(answer: dict[str, Any]) -> dict[str, str]:
    """The annotator's output columns for one answer, read from the fields it reads."""
    levels = ["LEVEL_1", "LEVEL_2", "LEVEL_3A", "LEVEL_3B", "LEVEL_4", "LEVEL_R1", "LEVEL_R2"]
    row = {level: [] for level in levels}  # type: dict[str, list[str]]
    citations: list[str] = []
    for treatment in answer["treatments"]:
        name = "+".join(d["drugName"] for d in treatment["drugs"])
        if name not in row[treatment["level"]]:
            row[treatment["level"]].append(name)
        citations += treatment["pmids"]
        citations += [f"{a['abstract']}({a['link']})" for a in treatment["abstracts"]]
    effect = answer["mutationEffect"]
    for implication in answer["diagnosticImplications"] + answer["prognosticImplications"]:
        assert implication["levelOfEvidence"].startswith(("LEVEL_Dx", "LEVEL_Px"))
        assert isinstance(implication["pmids"], list)
    # With -d the annotator copies the summaries without checking they exist.
    summaries = ["geneSummary", "variantSummary", "tumorTypeSummary", "diagnosticSummary"]
    descriptions = [answer[key] for key in [*summaries, "prognosticSummary"]]
    assert all(isinstance(text, str) for text in [*descriptions, effect["description"]])
    resistant = set(row["LEVEL_R1"])
    highest = next((lv for lv in levels[:5] if row[lv] and not resistant >= set(row[lv])), "")
    return {
        "GENE_IN_ONCOKB": str(answer["geneExist"]),
        "VARIANT_IN_ONCOKB": str(answer["variantExist"]),
        "MUTATION_EFFECT": effect["knownEffect"],
        "MUTATION_EFFECT_CITATIONS": ";".join(effect["citations"]["pmids"]),
        "ONCOGENIC": answer["oncogenic"],
        **{level: ",".join(row[level]) for level in levels},
        "HIGHEST_LEVEL": highest,
        "TX_CITATIONS": ";".join(citations),
        "HIGHEST_DX_LEVEL": answer["highestDiagnosticImplicationLevel"] or "",
        "HIGHEST_PX_LEVEL": answer["highestPrognosticImplicationLevel"] or "",
        "IS-A-HOTSPOT": "Y" if answer["hotspot"] else "",
        "3D": f"{answer['query']['hugoSymbol']}:{answer['query']['proteinStart']}",
    }


def test_oncokb_annotator_request_bodies(server: Server) -> None:
    queries = [
        _ProteinChange("BRAF", "p.V600E", "HGNEC", "missense_variant", "600"),
        _ProteinChange("BRAF", "p.V600E", "COADREAD", "missense_variant", "600"),
        _ProteinChange("EGFR", "p.T790M", "LUAD", "missense_variant", "790"),
        _ProteinChange("TP53", "p.R213*", "COAD", "stop_gained", "213"),
        _ProteinChange("GNA11", "p.F341L", "COAD", "missense_variant", "341"),
    ]
    body = json.dumps(queries, default=lambda o: o.__dict__)
    response = httpx.post(
        server.url + MUTATIONS,
        content=body,
        headers={"Content-Type": "application/json", "Authorization": "Bearer unused"},
    )
    assert response.status_code == 200
    rows = [_columns(answer) for answer in response.json()]
    nec, crc, egfr, tp53, vus = rows
    assert nec["LEVEL_1"] == "Dabrafenib+Trametinib" and nec["HIGHEST_LEVEL"] == "LEVEL_1"
    assert nec["LEVEL_R2"] == "" and nec["ONCOGENIC"] == "Oncogenic"
    assert nec["GENE_IN_ONCOKB"] == "True" and nec["VARIANT_IN_ONCOKB"] == "True"
    assert nec["IS-A-HOTSPOT"] == "Y" and nec["3D"] == "BRAF:600"
    assert "32758030" in nec["TX_CITATIONS"].split(";")
    assert crc["LEVEL_1"].split(",")[:2] == [
        "Encorafenib+Cetuximab+Fluorouracil+Leucovorin+Oxaliplatin",
        "Encorafenib+Cetuximab",
    ]
    assert "Dabrafenib+Trametinib" in crc["LEVEL_R2"].split(",")
    assert egfr["LEVEL_R1"] and egfr["HIGHEST_LEVEL"] == "LEVEL_1"
    assert "Osimertinib" in egfr["LEVEL_1"].split(",")
    assert tp53["ONCOGENIC"] in ("Oncogenic", "Likely Oncogenic") and tp53["HIGHEST_LEVEL"] == ""
    assert tp53["MUTATION_EFFECT"] in ("Loss-of-function", "Likely Loss-of-function")
    assert vus["ONCOGENIC"] == "Unknown" and vus["HIGHEST_LEVEL"] == "" and vus["LEVEL_1"] == ""

    # The annotator's copy-number and structural-variant bodies.
    amplified = {"hugoSymbol": "ERBB2"}
    cna_query = {"gene": amplified, "copyNameAlterationType": "AMPLIFICATION", "tumorType": "BRCA"}
    cna = httpx.post(server.url + CNA, json=[cna_query]).json()[0]
    assert cna["highestSensitiveLevel"] == "LEVEL_1"
    assert "Trastuzumab" in _drugs(cna, "LEVEL_1")

    def sv(a: str, b: str, functional: bool, kind: str, tumor: str) -> dict[str, Any]:
        query = {
            "geneA": {"hugoSymbol": a},
            "geneB": {"hugoSymbol": b},
            "functionalFusion": functional,
            "structuralVariantType": kind,
            "tumorType": tumor,
        }
        return dict(httpx.post(server.url + SV, json=[query]).json()[0])

    fusion = sv("EML4", "ALK", True, "FUSION", "LUAD")
    assert fusion["highestSensitiveLevel"] == "LEVEL_1" and "Alectinib" in _drugs(fusion, "LEVEL_1")
    assert fusion["actionable"]["alteration"] == "EML4::ALK fusion"
    # An intragenic rearrangement (gene1 == gene2): not a fusion, answered Unknown.
    intragenic = sv("TP53", "TP53", False, "DELETION", "COAD")
    assert intragenic["oncogenic"] == "Unknown" and intragenic["treatments"] == []
    assert "not a functional fusion" in intragenic["actionable"]["warnings"][0]


def test_get_fallbacks_as_the_annotator_writes_them(server: Server) -> None:
    # When a batch fails, the annotator asks query by query with hand-built URLs.
    mutation = httpx.get(
        server.url + MUTATIONS + "?hugoSymbol=KRAS&alteration=G12C&tumorType=LUAD"
        "&consequence=missense_variant&proteinStart=12&proteinEnd=12"
    ).json()
    assert mutation["highestSensitiveLevel"] == "LEVEL_1"
    assert {"Sotorasib", "Adagrasib"} <= set(_drugs(mutation, "LEVEL_1"))
    assert mutation["query"]["proteinStart"] == 12
    cna = httpx.get(
        server.url + CNA + "?hugoSymbol=CDKN2A&copyNameAlterationType=DELETION&tumorType=LUAD"
    ).json()
    assert cna["query"]["alteration"] == "Deletion" and cna["geneExist"] is True
    sv = httpx.get(
        server.url + SV + "?hugoSymbolA=BCR&hugoSymbolB=ABL1&structuralVariantType=FUSION"
        "&isFunctionalFusion=TRUE&tumorType=CML"
    ).json()
    assert sv["highestSensitiveLevel"] == "LEVEL_1" and "Imatinib" in _drugs(sv, "LEVEL_1")


def test_cbioportal_style_queries_by_entrez_id(server: Server) -> None:
    queries = [
        {"id": "673_COADREAD_V600E", "gene": {"entrezGeneId": 673}, "alteration": "V600E",
         "consequence": "missense_variant", "proteinStart": 600, "proteinEnd": 600,
         "tumorType": "Colorectal Adenocarcinoma", "evidenceTypes": ["ONCOGENIC"]},
        {"id": "unknown-gene", "gene": {"entrezGeneId": 999999999}, "alteration": "A1B",
         "tumorType": "COAD"},
    ]  # fmt: skip
    answers = httpx.post(server.url + MUTATIONS, json=queries).json()
    assert [a["query"]["id"] for a in answers] == ["673_COADREAD_V600E", "unknown-gene"]
    assert answers[0]["query"]["hugoSymbol"] == "BRAF"
    assert answers[0]["highestSensitiveLevel"] == "LEVEL_1"
    assert answers[1]["geneExist"] is False and answers[1]["oncogenic"] == "Unknown"
    assert "Entrez id 999999999" in answers[1]["actionable"]["warnings"][0]


def test_a_thousand_query_batch(server: Server) -> None:
    changes = [("BRAF", "V600E"), ("KRAS", "G12C"), ("EGFR", "L858R"), ("TP53", "R175H")]
    tumors = ["COAD", "LUAD", "MEL", "colon NEC", ""]
    queries = [
        {"id": str(i), "gene": {"hugoSymbol": changes[i % 4][0]}, "alteration": changes[i % 4][1],
         "tumorType": tumors[i % 5]}
        for i in range(1000)
    ]  # fmt: skip
    response = httpx.post(server.url + MUTATIONS, json=queries, timeout=120)
    assert response.status_code == 200
    answers = response.json()
    assert [a["query"]["id"] for a in answers] == [str(i) for i in range(1000)]
    # KRAS G12C in lung adenocarcinoma (i % 4 == 1 and i % 5 == 1, e.g. i = 1, 21, 41...).
    assert answers[21]["highestSensitiveLevel"] == "LEVEL_1"
    # No tumor type (i % 5 == 4): only tumor-agnostic levels; BRAF V600E (i = 4) keeps them.
    assert answers[24]["query"]["tumorType"] == ""
    assert answers[24]["actionable"]["tumorType"] is None


# --------------------------------------------------------------------------- native + page
def test_native_report_endpoint(server: Server) -> None:
    response = httpx.post(
        server.url + "/api/actionable/report",
        json={"lines": ["BRAF V600E", "TP53 R213*", "not a variant"], "tumor": "colon NEC",
              "facts": {"HER2": "negative"}, "errors": "warn"},
    )  # fmt: skip
    assert response.status_code == 200
    report = response.json()
    assert report["schema_version"] == "1" and report["kb_version"] == kb_version()[0]
    best = report["recommendations"][0]
    assert best["therapy"]["name"] == "dabrafenib + trametinib" and best["level"] == "1"
    assert best["variant_index"] == 0 and len(best["rationale"]) >= 3
    assert report["tumor"]["code"] == "HGNEC"
    assert any("not a variant" in w for w in report["warnings"])
    strict = httpx.post(server.url + "/api/actionable/report", json={"lines": ["BRAF V600EE"]})
    assert strict.status_code == 400 and "V600EE" in strict.json()["detail"]


def test_board_page_form_post(server: Server) -> None:
    form = httpx.get(server.url + "/")
    assert form.status_code == 200 and '<form method="post" action="/board"' in form.text
    assert "<script" not in form.text
    page = httpx.post(
        server.url + "/board",
        data={"lines": "EGFR L858R", "tumor": "LUAD", "her2": "", "hr": "", "pdl1_tps": "60",
              "pdl1_cps": "", "prior": ""},
    )  # fmt: skip
    assert page.status_code == 200 and "osimertinib" in page.text
    assert "PD-L1 TPS 60%" in page.text and "@media print" in page.text
    wrong = httpx.post(server.url + "/board", data={"lines": "EGFR L858R", "pdl1_tps": "sixty"})
    assert wrong.status_code == 400 and "is not a number" in wrong.text
    typed = httpx.post(server.url + "/board", json={"lines": "EGFR L858R"})
    assert typed.status_code == 415


# --------------------------------------------------------------------------- bad requests
def test_bad_requests_get_clear_4xx(server: Server) -> None:
    cases: list[tuple[httpx.Response, int, str]] = []

    def post(path: str, **kwargs: Any) -> httpx.Response:
        return httpx.post(server.url + path, timeout=60, **kwargs)

    headers = {"Content-Type": "application/json"}
    cases.append((post(MUTATIONS, content=b"[{", headers=headers), 400, "not valid JSON"))
    cases.append((post(MUTATIONS, json={"gene": "BRAF"}), 422, "body"))
    cases.append((post(MUTATIONS, json=[{"gene": {"hugoSymbol": "BRAF"}}]), 422, "[0].alteration"))
    huge = [{"gene": {"hugoSymbol": "ERBB2"}, "copyNameAlterationType": "HUGE"}]
    cases.append((post(CNA, json=huge), 422, "AMPLIFICATION"))
    braf = {"gene": {"hugoSymbol": "BRAF"}, "alteration": "V600E"}
    mixed = [{**braf, "tumorType": "COAD"}, {**braf, "id": "x7", "tumorType": "qwertyuiop"}]
    cases.append(
        (post(MUTATIONS, json=mixed), 400, "query 1 (id 'x7'): unknown tumor type 'qwertyuiop'")
    )
    too_many = [{"gene": {"hugoSymbol": "BRAF"}, "alteration": "V600E"}] * 5001
    cases.append((post(MUTATIONS, json=too_many), 413, "at most 5000"))
    huge_body = b" " * (5 * 1024 * 1024)
    cases.append((post(MUTATIONS, content=huge_body, headers=headers), 413, "over the limit"))
    cases.append((post("/api/actionable/report", json={"lines": []}), 422, "lines"))
    odd_fact = {"lines": ["BRAF V600E"], "facts": {"XYZ": 1}}
    cases.append((post("/api/actionable/report", json=odd_fact), 400, "unknown patient fact"))
    no_change = httpx.get(server.url + MUTATIONS, params={"hugoSymbol": "BRAF"})
    cases.append((no_change, 422, "alteration"))
    wobble = httpx.get(server.url + SV, params={"structuralVariantType": "WOBBLE"})
    cases.append((wobble, 422, "structuralVariantType"))
    cases.append((httpx.get(server.url + API + "/nothing-here"), 404, "Not Found"))
    cases.append((httpx.delete(server.url + MUTATIONS), 405, "Method Not Allowed"))
    for response, status, words in cases:
        _no_traceback(response)
        assert response.status_code == status, (response.request.url, response.text[:300])
        assert words in response.json()["detail"], response.text[:300]
    # An alteration it cannot read is an answer (Unknown, with the reason), not an error.
    params = {"hugoSymbol": "BRAF", "alteration": "V600EE"}
    unread = httpx.get(server.url + MUTATIONS, params=params)
    assert unread.status_code == 200 and unread.json()["oncogenic"] == "Unknown"
    assert unread.json()["geneExist"] is True and unread.json()["treatments"] == []


# --------------------------------------------------------------------------- auth
def test_token_required_when_given(guarded: Server) -> None:
    url = guarded.url + MUTATIONS + "?hugoSymbol=BRAF&alteration=V600E&tumorType=MEL"
    missing = httpx.get(url)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in missing.json()["detail"]
    wrong = httpx.get(url, headers={"Authorization": "Bearer " + TOKEN[:-1] + "X"})
    assert wrong.status_code == 401
    assert httpx.get(url, headers={"Authorization": "Basic bm9wZQ=="}).status_code == 401
    for _ in range(4):  # both workers answer with the token they read
        right = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
        assert right.status_code == 200 and right.json()["highestSensitiveLevel"] == "LEVEL_1"
    batch = httpx.post(
        guarded.url + MUTATIONS,
        json=[{"gene": {"hugoSymbol": "BRAF"}, "alteration": "V600E", "tumorType": "MEL"}],
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert batch.status_code == 200
    # The page and /docs ask a browser for the token (HTTP Basic, token as password).
    page = httpx.get(guarded.url + "/")
    assert page.status_code == 401 and page.headers["www-authenticate"].startswith("Basic")
    assert httpx.get(guarded.url + "/", auth=("board", TOKEN)).status_code == 200
    assert httpx.get(guarded.url + "/docs").status_code == 401
    assert TOKEN not in guarded.output()


def test_open_server_needs_no_token(server: Server) -> None:
    assert httpx.get(server.url + API + "/info").status_code == 200
    assert httpx.get(server.url + "/").status_code == 200


def _serve(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "actionable", "serve", "--port", str(free_port()), *arguments],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_refuses_to_listen_on_the_network_without_a_token() -> None:
    result = _serve("--host", "0.0.0.0")
    assert result.returncode == 2
    assert "--token-file" in result.stderr and "127.0.0.1" in result.stderr


def test_refuses_a_token_file_others_can_read(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN, encoding="utf-8")
    token_file.chmod(0o644)
    result = _serve("--token-file", str(token_file))
    assert result.returncode == 2 and "chmod 600" in result.stderr
    assert TOKEN not in result.stderr
    token_file.chmod(0o600)
    token_file.write_text("short", encoding="utf-8")
    result = _serve("--token-file", str(token_file))
    assert result.returncode == 2 and "at least 16" in result.stderr


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from actionable.errors import MissingExtraError
    from actionable.serve import create_app

    monkeypatch.setitem(sys.modules, "fastapi", None)
    with pytest.raises(MissingExtraError, match=r"actionable\[serve\]"):
        create_app()


# --------------------------------------------------------------------------- shutdown
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_shutdown_on_signal(tmp_path: Path, how: signal.Signals) -> None:
    with running_server(tmp_path) as running:
        assert httpx.get(running.url + API + "/info").status_code == 200
        running.process.send_signal(how)
        assert running.process.wait(timeout=30) == 0
        with pytest.raises(httpx.ConnectError):
            httpx.get(running.url + API + "/info", timeout=2)
        assert "Finished server process" in running.output()


ERBB2_RULES = """
gene: ERBB2
rules:
  - id: t-erbb2-amp-crc
    alteration: amplification
    tumor: {include: [COADREAD]}
    therapy: [tucatinib, trastuzumab]
    effect: sensitivity
    level: "1"
    summary: Test rule, HER2-amplified colorectal cancer.
    evidence: [{fda: Tukysa (tucatinib) prescribing information, year: 2023}]
"""


def test_answers_from_the_rules_folder_given(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ERBB2.yaml").write_text(ERBB2_RULES, encoding="utf-8")
    with running_server(tmp_path, "--rules", str(rules)) as running:
        params = {"hugoSymbol": "ERBB2", "copyNameAlterationType": "AMPLIFICATION"}
        crc = httpx.get(running.url + CNA, params={**params, "tumorType": "COAD"}).json()
        assert [t["level"] for t in crc["treatments"]] == ["LEVEL_1"]
        assert _drugs(crc, "LEVEL_1") == ["Tucatinib+Trastuzumab"]
        # BRAF V600E has no rule in this folder: no treatment, whatever the bundled rules say.
        braf = {"hugoSymbol": "BRAF", "alteration": "V600E", "tumorType": "MEL"}
        assert httpx.get(running.url + MUTATIONS, params=braf).json()["treatments"] == []
    missing = _serve("--rules", str(tmp_path / "missing"))
    assert missing.returncode == 2 and "missing" in missing.stderr
