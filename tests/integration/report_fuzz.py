#!/usr/bin/env python3
"""Seeded fuzzing of `vpbench report` and `vpbench compare` inputs.

Each case copies a fixture run folder (tests/data/runs/*), applies a few
random mutations to its results.csv / env.csv (hostile numbers, bucket
names, markup, control and invalid UTF-8 bytes, short and long rows,
truncation, duplicated rows, header damage, a missing env.csv...) and runs

    vpbench report CASE -o CASE/r.html --json CASE/r.json
    vpbench compare CASE FIXTURE --markdown m.md --junit j.xml
    vpbench compare FIXTURE CASE

A case fails when a command hangs (timeout), exits with anything but the
documented codes (report 0/2, compare 0/1/2), prints a sanitizer report
(build with -DVP_SANITIZE=ON to run it under ASan+UBSan), or when an
output it wrote is unusable: HTML with markup from the input, JSON that
json.load refuses (NaN included), JUnit that does not parse, Markdown
that renders a value as markup. The same seed gives the same cases.

  report_fuzz.py VPBENCH SOURCE_DIR [CASES [SEED]]
  env: VP_FUZZ_CASES (default 25), VP_FUZZ_SEED (1), VP_FUZZ_TIMEOUT
       (seconds per command, 30), VP_FUZZ_KEEP=DIR keeps failing cases
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report_checks  # noqa: E402

NUMBERS = ["", "inf", "-inf", "nan", "NaN", "1e308", "-1e308", "1e-320", "-1",
           "0", "-0", "0x10", "1e21", "9007199254740993", "1.5", "+3", " 7",
           "99999999999", "2147483648", "١٢", "1e", ".", "-", "1,5", "3 "]
TEXTS = ["<script>alert(1)</script>", "![x](http://127.0.0.1:9/x.png)",
         "a`b|c", "**bold** _em_", "\x1b[31mred\x1b[0m", "tab\there",
         "caf\xe9", "\ufffe", "&amp;", "'\"", "x" * 5000, "", " ",
         "spin_wait_bucket_le_inf", "lat_bucket_le_0"]
BUCKETS = ["inf", "nan", "0", "-64", "1e3", "0x40", "", "18446744073709551615",
           "18446744073709551616", "64", "1", "007", "64.5"]
STATUSES = ["ok", "unavailable", "failed", "OK", "", "skipped"]
COLS = 16


def read_rows(path):
    import csv
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as f:
        return list(csv.reader(f))


def write_rows(path, rows):
    import csv
    with open(path, "w", newline="", encoding="utf-8",
              errors="surrogateescape") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def mutate_rows(rng, rows, env):
    """One mutation of the parsed results (rows) or env rows."""
    body = rows[1:]
    if not body:
        return
    r = rng.choice(body)
    kind = rng.randrange(14)
    if len(r) < COLS and kind not in (4, 5, 6):
        return  # shortened already: index errors are not the point
    if kind == 0:  # a hostile number in a numeric column
        r[rng.choice([6, 7, 9, 10, 12])] = rng.choice(NUMBERS)
    elif kind == 1:  # bucket metric with a hostile bound
        r[11] = rng.choice(["spin_wait_bucket_le_", "lat_bucket_le_"]) + \
            rng.choice(BUCKETS)
        r[12] = rng.choice(NUMBERS + ["3", "100"])
        r[14] = "ok"
    elif kind == 2:  # hostile text in a string column
        r[rng.choice([1, 2, 3, 4, 5, 8, 11, 13, 15])] = rng.choice(TEXTS)
    elif kind == 3:  # status / value disagreement
        r[14] = rng.choice(STATUSES)
    elif kind == 4:  # short or long row
        if rng.random() < 0.5 and r:
            del r[rng.randrange(len(r)):]
        else:
            r.extend(["x"] * rng.randrange(1, 4))
    elif kind == 5:  # many copies of some rows (large cells)
        rows.extend([list(rng.choice(body)) for _ in range(rng.randrange(50, 3000))])
    elif kind == 6:  # many distinct metrics / workloads / targets
        col = rng.choice([2, 8, 11])
        for i in range(rng.randrange(20, 400)):
            x = list(rng.choice(body))
            if len(x) > col:
                x[col] = "%s%d" % (x[col], i)
            rows.append(x)
    elif kind == 7:  # header damage
        rows[0] = list(rows[0])
        if rows[0]:
            rows[0][rng.randrange(len(rows[0]))] = rng.choice(TEXTS + ["value"])
    elif kind == 8:  # extreme but valid values
        r[12] = rng.choice(["1e20", "-1e20", "1e-300", "0", "4.9e-324"])
        r[14] = "ok"
    elif kind == 9:  # thread/cpu extremes
        r[rng.choice([6, 7, 9])] = rng.choice(["0", "1048576", "1048577", "65536"])
    elif kind == 10 and env and len(env) > 1:  # env.csv values
        e = rng.choice(env[1:])
        if e:
            e[rng.randrange(len(e))] = rng.choice(TEXTS + NUMBERS)
    elif kind == 11 and env:  # env.csv row shape
        e = rng.choice(env)
        if e:
            del e[rng.randrange(len(e)):]
    elif kind == 12:  # everything one target (duplicate reps)
        for x in body:
            if len(x) > 2 and len(body[0]) > 2:
                x[2] = body[0][2]
    else:  # a single repetition everywhere (n = 1)
        for x in body:
            if len(x) > 10:
                x[10] = "1"


def mutate_bytes(rng, path):
    """Byte-level damage after the CSV is written."""
    data = bytearray(open(path, "rb").read())
    if not data:
        return
    kind = rng.randrange(5)
    if kind == 0:  # truncate anywhere (an interrupted run)
        del data[rng.randrange(len(data)):]
    elif kind == 1:  # flip bytes
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 2:  # an unbalanced quote
        data.insert(rng.randrange(len(data)), ord('"'))
    elif kind == 3:  # NUL and CR bytes
        for _ in range(rng.randrange(1, 4)):
            data.insert(rng.randrange(len(data)), rng.choice([0, 13]))
    else:  # a BOM or a blank line
        data[0:0] = rng.choice([b"\xef\xbb\xbf", b"\n", b"\r\n"])
    open(path, "wb").write(bytes(data))


def make_case(rng, src, dst):
    os.makedirs(dst)
    rows = read_rows(os.path.join(src, "results.csv"))
    env = read_rows(os.path.join(src, "env.csv"))
    for _ in range(rng.randrange(1, 5)):
        mutate_rows(rng, rows, env)
    write_rows(os.path.join(dst, "results.csv"), rows)
    if rng.random() < 0.9:
        write_rows(os.path.join(dst, "env.csv"), env)
    if rng.random() < 0.25:
        mutate_bytes(rng, os.path.join(dst, "results.csv"))
    if rng.random() < 0.1 and os.path.exists(os.path.join(dst, "env.csv")):
        mutate_bytes(rng, os.path.join(dst, "env.csv"))


def run(cmd, timeout):
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "exitcode=86:detect_leaks=1:abort_on_error=0"
    env["UBSAN_OPTIONS"] = "halt_on_error=1:exitcode=87:print_stacktrace=1"
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None, "timeout after %ds" % timeout
    return p.returncode, p.stderr.decode("utf-8", "replace")


def check_outputs(case, problems):
    html = os.path.join(case, "r.html")
    if os.path.exists(html):
        import io
        import contextlib
        with contextlib.redirect_stdout(io.StringIO()):
            if report_checks.static(html):
                problems.append("r.html references or runs something")
        text = open(html, encoding="utf-8", errors="replace").read()
        if "<script" in text.lower() or "<img" in text.lower():
            problems.append("markup from the input in r.html")
    js = os.path.join(case, "r.json")
    if os.path.exists(js):
        try:
            json.load(open(js, encoding="utf-8"),
                      parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            problems.append("r.json does not load: %s" % e)
    xml = os.path.join(case, "j.xml")
    if os.path.exists(xml):
        try:
            ET.parse(xml)
        except ET.ParseError as e:
            problems.append("j.xml does not parse: %s" % e)
    md = os.path.join(case, "m.md")
    if os.path.exists(md):
        import io
        import contextlib
        with contextlib.redirect_stdout(io.StringIO()):
            if report_checks.markdown(md):
                problems.append("m.md renders markup from the input")


def one_case(vpbench, fixture, case, timeout):
    problems = []
    steps = [
        ("report", [vpbench, "report", case, "-o", os.path.join(case, "r.html"),
                    "--json", os.path.join(case, "r.json")], {0, 2}),
        ("compare", [vpbench, "compare", case, fixture, "--markdown",
                     os.path.join(case, "m.md"), "--junit",
                     os.path.join(case, "j.xml")], {0, 1, 2}),
        ("compare-rev", [vpbench, "compare", "--correction", "bh",
                         "--changes-only", fixture, case], {0, 1, 2}),
    ]
    for name, cmd, ok in steps:
        rc, err = run(cmd, timeout)
        if rc is None:
            problems.append("%s: %s" % (name, err))
        elif rc not in ok:
            problems.append("%s: exit %d: %s" % (name, rc, err.strip()[-400:]))
        if "Sanitizer" in err or "runtime error" in err:
            problems.append("%s: sanitizer: %s" % (name, err.strip()[-1200:]))
    if "json" not in " ".join(problems):
        check_outputs(case, problems)
    return problems


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    vpbench, src = sys.argv[1], sys.argv[2]
    cases = int(sys.argv[3]) if len(sys.argv) > 3 else \
        int(os.environ.get("VP_FUZZ_CASES", "25"))
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else \
        int(os.environ.get("VP_FUZZ_SEED", "1"))
    timeout = int(os.environ.get("VP_FUZZ_TIMEOUT", "30"))
    keep = os.environ.get("VP_FUZZ_KEEP")
    fixtures = sorted(os.path.join(src, "tests/data/runs", d)
                      for d in os.listdir(os.path.join(src, "tests/data/runs"))
                      if os.path.isdir(os.path.join(src, "tests/data/runs", d)))
    rng = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="vp_fuzz_")
    failed = 0
    codes = {}
    try:
        for i in range(cases):
            fixture = rng.choice(fixtures)
            case = os.path.join(tmp, "case%05d" % i)
            make_case(rng, fixture, case)
            problems = one_case(vpbench, fixture, case, timeout)
            rc, _ = run([vpbench, "report", case, "-o", os.devnull], timeout)
            codes[rc] = codes.get(rc, 0) + 1
            if problems:
                failed += 1
                print("FAIL seed %d case %d (%s):" % (seed, i, os.path.basename(fixture)))
                for p in problems:
                    print("  " + p)
                if keep:
                    os.makedirs(keep, exist_ok=True)
                    shutil.copytree(case, os.path.join(keep, "seed%d-case%d" % (seed, i)))
            shutil.rmtree(case, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("fuzz: seed %d, %d cases, %d failed; report exit codes %s" %
          (seed, cases, failed, dict(sorted((k if k is not None else -1, v) for k, v in codes.items()))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
