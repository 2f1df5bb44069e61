#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<harness>/ from the inputs the unit tests use (the
lines, messages, configs and tables of tests/*_test.cc), the reference tables of schemas/ and a
few zone files of /usr/share/zoneinfo. Run from anywhere; it rewrites the generated seeds (files
named seed-*) and leaves the others (regression inputs a fuzzer found: crash-*, regress-*).

Each harness takes a first byte that selects a decoder (see the harness's header comment)."""
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def write(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def text(path, max_lines=None):
    with open(os.path.join(ROOT, path), "rb") as f:
        data = f.read()
    if max_lines is not None:
        data = b"\n".join(data.split(b"\n")[:max_lines]) + b"\n"
    return data


def clean():
    for harness in os.listdir(CORPUS) if os.path.isdir(CORPUS) else []:
        for f in os.listdir(os.path.join(CORPUS, harness)):
            if f.startswith("seed-"):
                os.remove(os.path.join(CORPUS, harness, f))


# --- csv_line: selector 0 readings, 1 enterprises, 2 weather; header line, then lines --------
def csv_line():
    header = "meter_id,enterprise_id,ts,kwh,kind"
    lines = {
        "ok": "M1,E1,2020-02-16T00:15:00+08:00,1.0,interval",
        "no-kind-column": "M1,E1,2020-02-16T00:15:00+08:00,1.0",
        "extra-column": "M1,E1,2020-02-16T00:15:00+08:00,1.0,interval,x",
        "garbage": "garbage",
        "empty-meter": ",E1,2020-02-16T00:15:00+08:00,1.0,interval",
        "bad-ts": "M1,E1,2020-02-16 00:15,1.0,interval",
        "bad-kwh": "M1,E1,2020-02-16T00:15:00+08:00,12.3.4,interval",
        "negative": "M1,E1,2020-02-16T00:15:00+08:00,-2,interval",
        "nan": "M1,E1,2020-02-16T00:15:00+08:00,nan,interval",
        "bad-kind": "M1,E1,2020-02-16T00:15:00+08:00,1,hourly",
        "open-quote": 'M1,E1,2020-02-16T00:15:00+08:00,"1,interval',
        "quoted-register": '"M1","E1",1581783300,"2.5",register',
        "huge": "M1,E1,2020-02-16T00:15:00+08:00,1e300,interval",
        "off-slot": "M1,E1,2020-02-16T00:07:00+08:00,0.5,interval",
        "future": "M1,E1,2030-02-16T00:15:00+08:00,0.5,interval",
        "utc-register": "M1,E1,2020-02-16T00:00:00Z,100.25,register",
        "crlf": "M1,E1,2020-02-16T00:15:00+08:00,.5,\r",
    }
    for name, line in lines.items():
        write("csv_line", "reading-" + name, "\x00" + header + "\n" + line + "\n")
    write("csv_line", "reading-reordered",
          "\x00kwh,ts,enterprise_id,meter_id\n1.5,2020-02-16T00:15:00+08:00,E1,M1\n")
    write("csv_line", "reading-bom-header",
          "\x00\xef\xbb\xbf" + header + "\r\nM1,E1,1581783300,0,\n")
    write("csv_line", "reading-short-header", "\x00meter_id,ts,kwh\nM1,1581783300,1\n")
    header = "enterprise_id,county_code,industry,scale,tags,active_from,active_to"
    lines = {
        "ok": "E1,330782,C3411,above, foreign_trade;ecommerce;foreign_trade ,2020-01-01,",
        "unknown-county": "E2,999999,I07,above,,,",
        "city": "E2,330700,I07,above,,,",
        "section": "E2,330782,C,above,,,",
        "bad-scale": "E2,330782,I07,large,,,",
        "bad-date": "E2,330782,I07,above,,2020-13-01,",
        "reversed": "E2,330782,I07,above,,2020-03-01,2020-02-01",
        "pipe-tag": "E2,330782,I07,above,a|b,,",
        "short": "E2,330782,I07",
    }
    for name, line in lines.items():
        write("csv_line", "enterprise-" + name, "\x01" + header + "\n" + line + "\n")
    write("csv_line", "enterprise-minimal-header",
          "\x01enterprise_id,county_code,industry,scale\nE1,330102,34,below\n")
    lines = {
        "ok": "330102,2020-01-05,6.5",
        "unknown-county": "999999,2020-01-05,6.5",
        "bad-date": "330102,2020-02-30,6.5",
        "warm": "330102,2020-01-05,warm",
        "hot": "330102,2020-01-05,150",
        "short": "330102,2020-01-05",
    }
    for name, line in lines.items():
        write("csv_line", "weather-" + name, "\x02county_code,date,temp_mean_c\n" + line + "\n")
    write("csv_line", "weather-bad-header", "\x02county,date,t\n330102,2020-01-05,6.5\n")


# --- json_message: selector bits 0-1 decoder (0 reading, 1 enterprise, 2 weather), bit 2 the
# 64-byte limit; KEY\nVALUE, or VALUE alone for a message without a key ---------------------
def json_message():
    good = ('{"meter_id":"M1","enterprise_id":"E1","ts":"2020-02-16T00:15:00+08:00",'
            '"kwh":1.250,"kind":"interval"}')

    def with_(field_json):
        return ('{"meter_id":"M1","enterprise_id":"E1","ts":"2020-02-16T00:15:00+08:00",' +
                field_json + "}")

    readings = {
        "ok": ("E1", good),
        "string-kwh": ("E1", '{"kwh":"2.5","ts":"1581783300","enterprise_id":"E1","meter_id":"M"}'),
        "register": ("E1", with_('"kwh":3.5e2,"kind":"register"')),
        "escapes": ("E\xc3\xa9", '{"meter_id":"M\\"1\\"","enterprise_id":"E\\u00e9",'
                                 '"ts":"1581783300","kwh":0}'),
        "not-json": ("E1", "not json"),
        "array": ("E1", "[1,2]"),
        "trailing": ("E1", good + "x"),
        "leading-zero": ("E1", with_('"kwh":01')),
        "nan": ("E1", with_('"kwh":NaN')),
        "malformed-extra": ("E1", with_('"kwh":1,"extra":[1,')),
        "raw-line": (None, "M1,E1,1581783300,1.0"),
        "unknown": ("E1", with_('"kwh":1,"note":"x"')),
        "duplicate": ("E1", with_('"kwh":1,"kwh":2')),
        "missing": ("E1", '{"meter_id":"M1","enterprise_id":"E1","ts":"1581783300"}'),
        "wrong-type": ("E1", '{"meter_id":12,"enterprise_id":"E1","ts":"1581783300","kwh":1}'),
        "object-kwh": ("E1", with_('"kwh":{"v":1}')),
        "mismatch": ("E2", good),
        "empty-key": ("", good),
        "control-id": ("E1", '{"meter_id":"M\\u0001","enterprise_id":"E1","ts":"1581783300",'
                             '"kwh":1}'),
        "huge": ("E1", with_('"kwh":1e300')),
        "no-key-bad-kwh": (None, with_('"kwh":"abc"')),
        "nested": ("E1", '{"a":[1,{"b":[true,false,null]},"x\\"y"],"c":{"d":{}},"e":-0.5e+3,'
                         '"f":"\\u00e9\\ud83d\\ude00"}'),
        "lone-surrogate": ("E1", '{"s":"\\ud800x"}'),
        "deep": ("E1", '{"a":' + "[" * 1030 + "]" * 1030 + "}"),
        "latin1": ("E1", '{"s":"caf\xe9"}'),
    }
    for name, (key, value) in readings.items():
        body = value if key is None else key + "\n" + value
        write("json_message", "reading-" + name, "\x00" + body)
    write("json_message", "reading-small-limit", "\x04E1\n" + good)
    base = '"enterprise_id":"E1","county_code":"330782","industry":"I07"'
    enterprises = {
        "ok": ("E1", '{"enterprise_id":"E1","county_code":"330782","industry":"C3411",'
                     '"scale":"above","tags":"b;a;b","active_from":"2020-01-01"}'),
        "unknown": ("E1", "{" + base + ',"scale":"above","size":"big"}'),
        "tags-array": ("E1", "{" + base + ',"scale":"above","tags":["a"]}'),
        "numeric-date": ("E1", "{" + base + ',"scale":"above","active_to":20200101}'),
        "no-key": (None, "{" + base + ',"scale":"above"}'),
        "bad-scale": ("E1", "{" + base + ',"scale":"large"}'),
        "city": ("E1", '{"enterprise_id":"E1","county_code":"330700","industry":"I07",'
                       '"scale":"above"}'),
    }
    for name, (key, value) in enterprises.items():
        body = value if key is None else key + "\n" + value
        write("json_message", "enterprise-" + name, "\x01" + body)
    weather = {
        "ok": ("330102", '{"county_code":"330102","date":"2020-01-05","temp_mean_c":-3.5}'),
        "string-temp": ("330102", '{"county_code":"330102","date":"2020-01-05",'
                                  '"temp_mean_c":"6.5"}'),
        "null-temp": ("330102", '{"county_code":"330102","date":"2020-01-05",'
                                '"temp_mean_c":null}'),
        "mismatch": ("330103", '{"county_code":"330102","date":"2020-01-05","temp_mean_c":1}'),
        "hot": ("330102", '{"county_code":"330102","date":"2020-01-05","temp_mean_c":150}'),
        "unknown-county": ("999999", '{"county_code":"999999","date":"2020-01-05",'
                                     '"temp_mean_c":1}'),
    }
    for name, (key, value) in weather.items():
        write("json_message", "weather-" + name, "\x02" + key + "\n" + value)


# --- reference_table: selector 0 regions, 1 calendar (calendar NUL festivals), 2 industries
# (categories NUL divisions), 3 CSV (bit 2: ';' separator) ---------------------------------
def reference_table():
    write("reference_table", "regions-zhejiang-head", b"\x00" + text("schemas/regions_zhejiang.csv", 14))
    write("reference_table", "regions-small", "\x00code,name,parent\nP,P,\nC,C,P\nK,K,C\n")
    write("reference_table", "regions-map-columns",
          "\x00code,name,parent,name_pinyin,lon,lat\nP,P,,,\nC,C,P,,,\nK,K,C,kay,120.1,30.2\n")
    write("reference_table", "regions-flat", "\x00code,name,parent\nP,P,\nK,K,P\n")
    write("reference_table", "regions-cycle", "\x00code,name,parent\nA,A,B\nB,B,A\nK,K,A\n")
    write("reference_table", "regions-self-parent", "\x00code,name,parent\nA,A,A\nK,K,A\n")
    write("reference_table", "regions-bad-code", "\x00code,name,parent\nP|1,P,\n")
    write("reference_table", "regions-twice", "\x00code,name,parent\nP,P,\nP,Q,\n")
    write("reference_table", "calendar-cn-head",
          b"\x01" + text("schemas/calendar_cn.csv", 30) + b"\x00" + text("schemas/spring_festival.csv"))
    write("reference_table", "calendar-user", "\x01date,type\n2020-05-01,holiday\n2020-05-09,workday\n")
    write("reference_table", "calendar-both", "\x01date,type\n2020-05-01,holiday\n2020-05-01,workday\n")
    write("reference_table", "calendar-bad-type", "\x01date,type\n2020-05-01,party\n")
    write("reference_table", "calendar-festivals",
          "\x01date,type\n\x00year,date\n2020,2020-01-25\n9999,9999-12-31\n-5,0000-01-01\n")
    write("reference_table", "industries-standard",
          b"\x02" + text("schemas/industries.csv") + b"\x00" + text("schemas/gbt4754_divisions.csv"))
    write("reference_table", "industries-unknown-category",
          "\x02code,name,name_zh\nI01,A,A\n\x00division,section,category\n34,C,I09\n")
    write("reference_table", "csv-quotes", '\x03a,b,c\n"x,1",2,3\n"say ""hi""",,\n# comment\n')
    write("reference_table", "csv-unterminated", '\x03a,b\n"x,1\n')
    write("reference_table", "csv-semicolon", "\x07a;b\n1;2\n 3 ;\t4\t\r\n")
    write("reference_table", "csv-short-row", "\x03a,b,c\n1,2\n")


# --- config: the file, then NUL-separated --set overrides --------------------------------
def config():
    write("config", "example", text("deploy/fugong.example.yaml"))
    write("config", "cambridge", text("examples/cambridge/config.yaml"))
    write("config", "france", text("examples/france/config.yaml"))
    seeds = {
        "stream-keys": "close_grace_minutes: 30\nclose_deadline: '09:30'\n"
                       "topic_weather: ''\nkafka:\n  linger.ms: 7\n",
        "kafka-scalar": "kafka: 5\n",
        "levels": "min_group_size: 5\nlevels: [county]\n",
        "typo": "min_grup_size: 5\n",
        "bad-interval": "interval_minutes: 7\n",
        "bad-type": "r_max: lots\n",
        "tables": "region_table: regions.csv\ncalendar: calendar.csv\n"
                  "baseline_from: 2020-01-06\nbaseline_to: 2020-02-16\n",
        "calendar-without-window": "calendar: calendar.csv\n",
        "bad-table": "region_table: bad.csv\n",
        "missing-table": "region_table: nowhere.csv\n",
        "london": "timezone: Europe/London\ninterval_minutes: 60\n",
        "mars": "timezone: Mars/Olympus\n",
        "escape": "timezone: ../../etc/passwd\n",
        "offset": "timezone: '-05:30'\n",
        "flat-kafka": "kafka.bootstrap.servers: 'localhost:9092'\nkafka.acks: all\n",
        "deadline-none": "close_deadline: none\nidle_partition_seconds: 0\n",
        "not-a-map": "- a\n- b\n",
        "bad-yaml": "a: [1, 2\n",
        "anchors": "x: &a 5\nmin_group_size: *a\n",
        "overrides": "min_group_size: 5\n\x00levels=[county,city]\x00interval_minutes=30",
        "bad-override": "\x00novalue",
        "override-table": "\x00region_table=regions.csv\x00calendar=calendar.csv",
    }
    for name, body in seeds.items():
        write("config", name, body)


# --- tzdata: even first byte: TZif bytes; odd: a `timezone:` text ---------------------------
def put_be(v, n):
    return (v & ((1 << (8 * n)) - 1)).to_bytes(n, "big")


def tzif(version=b"2", times=(), types=(), offsets=(0,), footer="", leapcnt=0):
    chars = b"ABC"

    def header():
        return (b"TZif" + version + b"\0" * 15 + put_be(0, 4) + put_be(0, 4) + put_be(leapcnt, 4) +
                put_be(len(times), 4) + put_be(len(offsets), 4) + put_be(len(chars) + 1, 4))

    def block(size):
        out = b"".join(put_be(t, size) for t in times) + bytes(types)
        for i, off in enumerate(offsets):
            out += put_be(off, 4) + bytes([0 if i == 0 else 1, 0])
        out += chars + b"\0"
        for _ in range(leapcnt):
            out += put_be(0, size) + put_be(1, 4)
        return out

    out = header() + block(4)
    if version != b"\0":
        out += header() + block(8) + b"\n" + footer.encode() + b"\n"
    return out


def tzdata():
    for zone in ["Asia/Shanghai", "Europe/London", "America/Sao_Paulo", "Australia/Lord_Howe",
                 "Pacific/Apia"]:
        path = "/usr/share/zoneinfo/" + zone
        if os.path.exists(path):
            with open(path, "rb") as f:
                write("tzdata", "tzif-" + zone.replace("/", "-"), b"\x00" + f.read())
    specs = {
        "good": dict(times=(1000, 2000), types=(1, 0), offsets=(0, 3600), footer="GMT0"),
        "slim-london": dict(footer="GMT0BST,M3.5.0/1,M10.5.0"),
        "sydney": dict(offsets=(36000,), footer="AEST-10AEDT,M10.1.0,M4.1.0/3"),
        "julian": dict(footer="AAA0BBB,J60/0,J300/0"),
        "zero-based": dict(footer="AAA0BBB,59/0,300/0"),
        "greenland": dict(offsets=(-7200,), footer="<-02>2<-01>,M3.5.0/-1,M10.5.0/0"),
        "all-year-dst": dict(offsets=(-18000,), footer="EST5EDT,0/0,J365/25"),
        "v1": dict(version=b"\0", times=(1585443600, 1603587600), types=(1, 0),
                   offsets=(0, 3600)),
        "undefined-type": dict(times=(1000, 2000), types=(1, 7), offsets=(0, 3600), footer="GMT0"),
        "unordered": dict(times=(2000, 1000), types=(1, 0), offsets=(0, 3600), footer="GMT0"),
        "offset-range": dict(times=(1000, 2000), types=(1, 0), offsets=(0, 360000),
                             footer="GMT0"),
        "footer-no-rule": dict(times=(1000, 2000), types=(1, 0), offsets=(0, 3600),
                               footer="GMT0BST"),
        "footer-month-13": dict(footer="GMT0BST,M13.5.0,M10.5.0"),
        "leap": dict(times=(1000, 2000), types=(1, 0), offsets=(0, 3600), footer="GMT0",
                     leapcnt=1),
    }
    for name, spec in specs.items():
        write("tzdata", "spec-" + name, b"\x00" + tzif(**spec))
    for name, zone in {"name-london": "Europe/London", "name-offset": "+08:00",
                       "name-negative": "-05:30", "name-utc": "UTC", "name-z": "Z",
                       "name-escape": "../etc/passwd", "name-absolute": "/etc/localtime",
                       "name-not-tzif": "zone1970.tab", "name-directory": "Asia",
                       "name-right": "right/Europe/London", "name-bad-offset": "+25:00"}.items():
        write("tzdata", name, "\x01" + zone)


# --- http_request: bit 0 method (GET or other), bit 1 state closed; the target --------------
def http_request():
    targets = {
        "dates": "/v1/dates",
        "index-county": "/v1/index?date=2020-02-03&level=county",
        "index-record": "/v1/index?date=2020-02-04&level=province&code=330000",
        "index-unknown-date": "/v1/index?date=2021-01-01&level=county",
        "index-bad-date": "/v1/index?date=2020-13-45&level=county",
        "index-bad-level": "/v1/index?date=2020-02-03&level=galaxy",
        "index-twice": "/v1/index?date=2020-02-03&date=2020-02-04&level=city",
        "index-unknown-param": "/v1/index?date=2020-02-03&level=city&x=1",
        "series": "/v1/index/series?level=industry&code=I07&from=2020-02-01&to=2020-02-10",
        "series-reversed": "/v1/index/series?level=city&code=3301&from=2020-02-10&to=2020-02-01",
        "series-no-code": "/v1/index/series?level=city",
        "map": "/v1/map/2020-02-03.svg",
        "map-bad": "/v1/map/yesterday.svg",
        "map-params": "/v1/map/2020-02-03.svg?x=1",
        "regions": "/v1/regions",
        "stream": "/v1/stream?level=county",
        "stream-bad": "/v1/stream?level=x",
        "metrics": "/metrics",
        "healthz": "/healthz",
        "readyz": "/readyz",
        "root": "/",
        "asset": "/dashboard.js",
        "escape": "/../etc/passwd",
        "percent": "/v1/index?date=2020%2D02%2D03&level=county+x&code=%33%33",
        "bad-percent": "/v1/index?date=%zz",
        "percent-end": "/v1/dates%2",
        "empty-pairs": "/v1/dates?&&=&",
    }
    for name, target in targets.items():
        write("http_request", name, "\x00" + target)
    write("http_request", "post", "\x01/v1/dates")
    write("http_request", "closed", "\x02/v1/index?date=2020-02-03&level=county")
    write("http_request", "closed-readyz", "\x02/readyz")


def main():
    clean()
    csv_line()
    json_message()
    reference_table()
    config()
    tzdata()
    http_request()
    for harness in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, harness))
        print(f"{harness}: {len(files)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
