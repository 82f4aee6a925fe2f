#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The peer of `vitals import`: the parsing loop of the most used Python tool (dogsheep's
healthkit-to-sqlite: ElementTree's XMLPullParser fed 1 MB chunks, the root cleared after each
event) plus sqlite3 executemany inserts into the schema vitals uses for records (types,
sources, units, devices, versions; records with a unique natural key; record metadata and
beats), all in one transaction. Standard library only; runs with Debian's /usr/bin/python3.

usage: healthkit_import.py EXPORT.xml|EXPORT.zip DB
Prints one line: records, seconds, MB/s, records/s.
"""
import calendar
import sqlite3
import sys
import time
import zipfile
from xml.etree import ElementTree

SCHEMA = """
CREATE TABLE types(id INTEGER PRIMARY KEY, identifier TEXT NOT NULL UNIQUE);
CREATE TABLE sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE units(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE devices(id INTEGER PRIMARY KEY, description TEXT NOT NULL UNIQUE);
CREATE TABLE source_versions(id INTEGER PRIMARY KEY, version TEXT NOT NULL UNIQUE);
CREATE TABLE records(
  id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL, source_id INTEGER NOT NULL,
  source_version_id INTEGER, device_id INTEGER, unit_id INTEGER, day TEXT NOT NULL,
  start_utc INTEGER NOT NULL, start_tz INTEGER NOT NULL, end_utc INTEGER NOT NULL,
  end_tz INTEGER NOT NULL, created_utc INTEGER, created_tz INTEGER, value REAL, category TEXT,
  natural_key INTEGER NOT NULL);
CREATE UNIQUE INDEX records_natural ON records(type_id, day, start_utc, natural_key);
CREATE TABLE metadata_keys(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE record_metadata(record_id INTEGER NOT NULL, key_id INTEGER NOT NULL,
  value TEXT NOT NULL);
CREATE INDEX record_metadata_record ON record_metadata(record_id);
CREATE TABLE record_beats(record_id INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  bpm REAL NOT NULL);
CREATE INDEX record_beats_record ON record_beats(record_id);
"""

BATCH = 10000


def parse_time(s):
    """'2019-10-29 08:06:42 -0700' -> (utc seconds, offset minutes)."""
    sign = -1 if s[20] == '-' else 1
    off = sign * (int(s[21:23]) * 60 + int(s[23:25]))
    local = calendar.timegm((int(s[0:4]), int(s[5:7]), int(s[8:10]),
                             int(s[11:13]), int(s[14:16]), int(s[17:19])))
    return local - off * 60, off


def time_of_day_ms(s):
    """'6:14:48.94 PM' or '18:14:48,94' -> milliseconds since local midnight."""
    s = s.replace(',', '.').strip()
    pm = am = False
    if s[-2:].upper() in ('AM', 'PM'):
        pm, am = s[-2:].upper() == 'PM', s[-2:].upper() == 'AM'
        s = s[:-2].strip()
    h, m, sec = s.split(':')
    h = int(h)
    if pm or am:
        h = h % 12 + (12 if pm else 0)
    return int(round(((h * 60 + int(m)) * 60 + float(sec)) * 1000))


class Ids:
    """Interned strings: name -> id, inserted into their table at the end."""

    def __init__(self):
        self.ids = {}

    def get(self, s):
        if s is None:
            return None
        i = self.ids.get(s)
        if i is None:
            i = self.ids[s] = len(self.ids) + 1
        return i


def chunks(path):
    if zipfile.is_zipfile(path):
        z = zipfile.ZipFile(path)
        name = next(n for n in z.namelist()
                    if n.endswith('.xml') and 'export_cda' not in n and '__MACOSX' not in n)
        f = z.open(name)
    else:
        f = open(path, 'rb')
    with f:
        while True:
            b = f.read(1 << 20)
            if not b:
                return
            yield b


def main():
    src, dbpath = sys.argv[1], sys.argv[2]
    t0 = time.monotonic()
    db = sqlite3.connect(dbpath, isolation_level=None)
    db.execute('PRAGMA journal_mode = WAL')
    db.execute('PRAGMA synchronous = NORMAL')
    db.executescript(SCHEMA)
    db.execute('BEGIN')
    types, sources, units, devices, versions, keys = Ids(), Ids(), Ids(), Ids(), Ids(), Ids()
    rows, meta, beats = [], [], []
    rid = 0
    nbytes = 0
    insert = ('INSERT OR IGNORE INTO records(id, type_id, source_id, source_version_id, '
              'device_id, unit_id, day, start_utc, start_tz, end_utc, end_tz, created_utc, '
              'created_tz, value, category, natural_key) '
              'VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    parser = ElementTree.XMLPullParser(('start', 'end'))
    root = None
    for chunk in chunks(src):
        nbytes += len(chunk)
        parser.feed(chunk)
        for event, el in parser.read_events():
            if event == 'start':
                if root is None:
                    root = el
                continue
            if el.tag == 'Record':
                a = el.attrib
                rid += 1
                s_utc, s_tz = parse_time(a['startDate'])
                e_utc, e_tz = parse_time(a.get('endDate', a['startDate']))
                c = a.get('creationDate')
                c_utc, c_tz = parse_time(c) if c else (None, None)
                v = a.get('value')
                value = cat = None
                if v is not None:
                    try:
                        value = float(v)
                    except ValueError:
                        cat = v
                t = types.get(a['type'])
                so = sources.get(a.get('sourceName'))
                u = units.get(a.get('unit'))
                key = hash((t, so, u, s_utc, e_utc, c_utc, value, cat)) & 0x7fffffffffffffff
                day = time.strftime('%Y-%m-%d', time.gmtime(s_utc + s_tz * 60))
                rows.append((rid, t, so, versions.get(a.get('sourceVersion')),
                             devices.get(a.get('device')), u, day, s_utc, s_tz, e_utc, e_tz,
                             c_utc, c_tz, value, cat, key))
                for m in el.iter('MetadataEntry'):
                    meta.append((rid, keys.get(m.get('key')), m.get('value', '')))
                start_local_ms = (s_utc + s_tz * 60) * 1000
                midnight = start_local_ms - start_local_ms % 86400000
                for b in el.iter('InstantaneousBeatsPerMinute'):
                    ms = time_of_day_ms(b.get('time'))
                    t_ms = midnight + ms + (86400000 if midnight + ms < start_local_ms else 0)
                    beats.append((rid, t_ms - s_tz * 60000, float(b.get('bpm'))))
                if len(rows) >= BATCH:
                    db.executemany(insert, rows)
                    db.executemany('INSERT INTO record_metadata VALUES(?, ?, ?)', meta)
                    db.executemany('INSERT INTO record_beats VALUES(?, ?, ?)', beats)
                    rows, meta, beats = [], [], []
            if root is not None:
                root.clear()
    parser.close()
    db.executemany(insert, rows)
    db.executemany('INSERT INTO record_metadata VALUES(?, ?, ?)', meta)
    db.executemany('INSERT INTO record_beats VALUES(?, ?, ?)', beats)
    for table, col, ids in (('types', 'identifier', types), ('sources', 'name', sources),
                            ('units', 'name', units), ('devices', 'description', devices),
                            ('source_versions', 'version', versions),
                            ('metadata_keys', 'key', keys)):
        db.executemany('INSERT INTO %s(id, %s) VALUES(?, ?)' % (table, col),
                       [(i, s) for s, i in ids.ids.items()])
    db.execute('COMMIT')
    db.close()
    secs = time.monotonic() - t0
    print('healthkit_import.py: %d records, %.2f s, %.1f MB/s, %.0f records/s'
          % (rid, secs, nbytes / 1e6 / secs, rid / secs))


if __name__ == '__main__':
    main()
