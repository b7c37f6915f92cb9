#!/usr/bin/env python3
"""Write a TMX 1.4 file of N ja-JP/en-US units of news-style sentences, to stdout or a file.

    python3 benches/gen_tmx.py 1000000 /tmp/tomo-bench/bench.tmx

The sentences come from a small generator (subject, action, place, time, source), with a
running number so every unit is distinct (nothing de-duplicates away). Deterministic: the
same N gives the same file. Never committed: the benchmark writes it under /tmp.
"""
import random
import sys

SUBJECTS = [
    ("政府", "The government"), ("東京都", "The Tokyo metropolitan government"), ("日銀", "The Bank of Japan"),
    ("首相", "The prime minister"), ("気象庁", "The Meteorological Agency"), ("警察", "Police"),
    ("市議会", "The city council"), ("大手自動車メーカー", "A major carmaker"), ("研究チーム", "A research team"),
    ("野党", "The opposition"), ("労働組合", "The labor union"), ("韓国政府", "The South Korean government"),
]
ACTIONS = [
    ("新たな対策を発表した", "announced new measures"), ("調査を始めた", "began an investigation"),
    ("計画を見直した", "revised its plan"), ("会見を開いた", "held a press conference"),
    ("予算案を承認した", "approved the draft budget"), ("警報を出した", "issued a warning"),
    ("合意に達した", "reached an agreement"), ("結果を公表した", "released the results"),
]
PLACES = [
    ("大阪", "Osaka"), ("札幌", "Sapporo"), ("福岡", "Fukuoka"), ("ソウル", "Seoul"), ("名古屋", "Nagoya"),
    ("那覇", "Naha"), ("仙台", "Sendai"), ("広島", "Hiroshima"),
]
TIMES = [
    ("29日", "on the 29th"), ("今週", "this week"), ("先月", "last month"), ("同日午後", "that afternoon"),
    ("今年度中に", "within the fiscal year"), ("来年春までに", "by next spring"),
]
SOURCES = [
    ("関係者", "people familiar with the matter"), ("共同通信", "Kyodo News"), ("当局", "officials"),
    ("複数のメディア", "several media outlets"),
]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    out = open(sys.argv[2], "w", encoding="utf-8") if len(sys.argv) > 2 else sys.stdout
    rnd = random.Random(20261129)
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n')
    w('  <header creationtool="gen_tmx.py" creationtoolversion="1" segtype="sentence" o-tmf="none" '
      'adminlang="en" srclang="ja-JP" datatype="plaintext"/>\n  <body>\n')
    for i in range(1, n + 1):
        (sj, se), (aj, ae), (pj, pe), (tj, te), (rj, re_) = (
            rnd.choice(SUBJECTS), rnd.choice(ACTIONS), rnd.choice(PLACES), rnd.choice(TIMES), rnd.choice(SOURCES))
        pct = rnd.randint(1, 99)
        ja = f"{sj}は{tj}、{pj}で{aj}と{rj}が伝えた（第{i}報、前年比{pct}%増）。"
        en = f"{se} {ae} in {pe} {te}, {re_} said (report No. {i}, up {pct}% from a year earlier)."
        w(f'    <tu creationdate="20261129T000000Z">\n'
          f'      <tuv xml:lang="ja-JP"><seg>{esc(ja)}</seg></tuv>\n'
          f'      <tuv xml:lang="en-US"><seg>{esc(en)}</seg></tuv>\n    </tu>\n')
    w("  </body>\n</tmx>\n")
    out.close()


if __name__ == "__main__":
    main()
