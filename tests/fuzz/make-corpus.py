#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seed corpora of the fuzz targets from the fixtures (run from this folder:
# python3 make-corpus.py [TARGET...]; no target: all). Seeds stay small: libFuzzer mutates
# small inputs best. A target's folder is rewritten, so inputs merged from fuzz runs into it
# go too: name the targets to rewrite. xml_differential also takes generated exports from
# the vitals program ($VITALS, else ../../build/programs/vitals) when it is built.
import glob, hashlib, json, os, shutil, subprocess, sys

FIX = '../fixtures'
TARGETS = ('reader_xml', 'reader_zip', 'time', 'time_of_day', 'baseline', 'xml_differential')
chosen = sys.argv[1:] or TARGETS
for t in chosen:
    if t not in TARGETS:
        sys.exit('make-corpus.py: unknown target %s (one of %s)' % (t, ', '.join(TARGETS)))

def put(target, name, data):
    if target not in chosen:
        return
    os.makedirs('corpus/' + target, exist_ok=True)
    with open('corpus/%s/%s' % (target, name), 'wb') as f:
        f.write(data.encode() if isinstance(data, str) else data)

for t in chosen:
    shutil.rmtree('corpus/' + t, ignore_errors=True)

# reader_xml: the first byte picks the chunk size (fuzz_reader_xml.c), then the XML.
xmls = sorted(glob.glob(FIX + '/apple-health/*/*.xml') + glob.glob(FIX + '/bad/*.xml'))
for i, path in enumerate(xmls):
    data = open(path, 'rb').read()
    if len(data) > 16384:
        continue
    base = os.path.basename(os.path.dirname(path)) + '-' + os.path.basename(path)
    put('reader_xml', base, bytes([i & 7]) + data)
# A small document of every kind the reader models.
every = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData ANY>\n]>\n'
         '<HealthData locale="en_US"><ExportDate value="2020-01-01 10:00:00 -0700"/>'
         '<Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>'
         '<Record type="HKQuantityTypeIdentifierHeartRateVariabilitySDNN" sourceName="W" sourceVersion="1" '
         'device="&lt;d&gt;" unit="ms" creationDate="2020-01-01 10:00:00 -0700" '
         'startDate="2020-01-01 23:59:50 -0800" endDate="2020-01-02 00:00:50 -0800" value="40">'
         '<MetadataEntry key="k" value="v"/><HeartRateVariabilityMetadataList>'
         '<InstantaneousBeatsPerMinute bpm="60" time="11:59:55.50 PM"/>'
         '<InstantaneousBeatsPerMinute bpm="61" time="00:00:03,80"/></HeartRateVariabilityMetadataList></Record>'
         '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="W" startDate="2020-01-01 10:00:00 +0000" '
         'endDate="2020-01-01 11:00:00 +0000" value="HKCategoryValueSleepAnalysisAsleep"/>'
         '<Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="C" '
         'startDate="2020-01-01 10:00:00 +0000" endDate="2020-01-01 10:00:00 +0000">'
         '<MetadataEntry key="a" value="1"/><Record type="HKQuantityTypeIdentifierBloodPressureSystolic" '
         'sourceName="C" unit="mmHg" startDate="2020-01-01 10:00:00 +0000" value="120"/></Correlation>'
         '<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="5.1" durationUnit="min" '
         'totalDistance="0.5" totalDistanceUnit="mi" totalEnergyBurned="48" totalEnergyBurnedUnit="Cal" '
         'sourceName="W" startDate="2020-01-01 10:00:00 +0000" endDate="2020-01-01 10:05:00 +0000">'
         '<MetadataEntry key="m" value="2"/><WorkoutEvent type="HKWorkoutEventTypePause" '
         'date="2020-01-01 10:01:00 +0000" duration="1" durationUnit="min"/>'
         '<WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2020-01-01 10:00:00 +0000" '
         'endDate="2020-01-01 10:05:00 +0000" sum="1.5" average="1" minimum="0" maximum="2" unit="Cal"/>'
         '<WorkoutRoute sourceName="W" startDate="2020-01-01 10:00:00 +0000" endDate="2020-01-01 10:05:00 +0000">'
         '<MetadataEntry key="r" value="3"/><FileReference path="/workout-routes/route_1.gpx"/>'
         '<Location date="2020-01-01 10:00:00 +0000" latitude="37.7" longitude="-122.4" altitude="3" '
         'horizontalAccuracy="1" verticalAccuracy="1" course="-1" speed="1.5"/></WorkoutRoute></Workout>'
         '<ActivitySummary dateComponents="2020-01-01" activeEnergyBurned="590" activeEnergyBurnedGoal="600" '
         'activeEnergyBurnedUnit="Cal" appleMoveTime="0" appleMoveTimeGoal="0" appleExerciseTime="30" '
         'appleExerciseTimeGoal="30" appleStandHours="12" appleStandHoursGoal="12"/>'
         '<ClinicalRecord type="HKClinicalTypeIdentifierLabResultRecord" identifier="a&amp;b"/>'
         '<Audiogram><SensitivityPoint frequency="500" left="10"/></Audiogram></HealthData>\n')
for c in range(8):
    put('reader_xml', 'every-kind-%d.xml' % c, bytes([c]) + every.encode())

# reader_zip: the zip fixtures (small ones) and plain XML, which the reader also takes.
for path in sorted(glob.glob(FIX + '/apple-health/*/*.zip') + glob.glob(FIX + '/bad/*.zip')):
    data = open(path, 'rb').read()
    if len(data) > 32768:
        continue
    put('reader_zip', os.path.basename(os.path.dirname(path)) + '-' + os.path.basename(path), data)
put('reader_zip', 'every-kind.xml', every)

# time: Apple timestamps, dates, and near misses.
for i, s in enumerate(['2020-01-01 10:00:00 -0700', '2016-04-18 08:25:32 +0000', '0001-01-01 00:00:00 +1800',
                       '9999-12-31 23:59:60 -1800', '2020-02-29 12:00:00 +0530', '2019-02-29 12:00:00 +0000',
                       '2020-13-01 10:00:00 -0700', '2020-01-01', '1970-01-01', '2020-01-01T10:00:00Z']):
    put('time', 'seed-%02d' % i, s)

# time_of_day: the locales Apple writes InstantaneousBeatsPerMinute@time in.
for i, s in enumerate(['6:14:48.94 PM', '18:14:48', '00:20:37,80', '6:14 AM', '12:00:01.25 AM',
                       '11:59:55.50 PM', '7:05:00 p.m.', '23:59:59.999', '0:00', '12:00 pm']):
    put('time_of_day', 'seed-%02d' % i, s)

# baseline: a baseline as vb_baseline_update writes it, and a few broken ones.
entry = {'datetime': '2026-01-01T00:00:00', 'commit': 'abc', 'calibration_time': 0.011, 'mean': 0.002,
         'median': 0.0019, 'min': 0.0015, 'stddev': 0.0001, 'rounds': 20, 'peak_rss': 1.2e7,
         'heap_peak': None, 'instructions': 1.5e6, 'samples': [0.0018, 0.0019, 0.002]}
base = {'schema_version': 1, 'harness': 'vbench',
        'reference': {'machine': {'node': 'h', 'cpu': 'c', 'system': 'Linux', 'compiler': 'gcc', 'num_cpus': 2},
                      'calibration_time': 0.010, 'created': '2026-01-01T00:00:00'},
        'benchmarks': {'g/calc': {'history': [entry, dict(entry, median=0.0021, calibration_time=None)]},
                       'g/empty': {'history': []}}}
put('baseline', 'good.json', json.dumps(base, indent=2))
put('baseline', 'not-json.json', '{"schema_version": 1, "benchmarks": {')
put('baseline', 'wrong-schema.json', '{"schema_version": 2, "benchmarks": {}}')
put('baseline', 'no-history.json', '{"schema_version": 1, "benchmarks": {"a": {}}}')
put('baseline', 'bad-entry.json', '{"schema_version": 1, "benchmarks": {"a": {"history": [1]}}}')

# xml_differential: the first byte picks the tokenizer's chunk size (fuzz_xml_differential.c),
# then XML, which the target passes through the reader's byte filter. The fixtures (GPX
# routes too: they declare namespaces), the document of every kind, generated exports of
# both shapes, and the corners of XML where libxml2 has its own answers.
gpx = sorted(glob.glob(FIX + '/apple-health/*/*/*/workout-routes/*.gpx') +
             glob.glob(FIX + '/apple-health/*/*/workout-routes/*.gpx'))
for i, path in enumerate(xmls + gpx):
    data = open(path, 'rb').read()
    if len(data) > 16384:
        continue
    put('xml_differential', os.path.basename(os.path.dirname(path)) + '-' + os.path.basename(path),
        bytes([i & 7]) + data)
for c in range(8):
    put('xml_differential', 'every-kind-%d.xml' % c, bytes([c]) + every.encode())
vitals = os.environ.get('VITALS', '../../build/programs/vitals')
if 'xml_differential' in chosen and os.access(vitals, os.X_OK):
    for c, shape in enumerate(('apple', 'dense')):
        xml = subprocess.run([vitals, 'generate', '--days', '2', '--per-day', '12', '--shape', shape,
                              '-o', '-'], check=True, capture_output=True).stdout
        put('xml_differential', 'generated-%s.xml' % shape, bytes([c * 3 + 1]) + xml)
elif 'xml_differential' in chosen:
    print('make-corpus.py: %s not built: no generated exports in the xml_differential seeds' % vitals)
corners = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a b="c">x</a>',
    '<?xml version="1.1"?><a/>', '<?xml version="1."?><a/>', '<?xml version="2.0"?><a/>',
    '<?xml version="1.0" encoding="utf8"standalone="no"?><a/>',
    '<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>', '<?xml version="1.0" encoding="UTF-16"?><a/>',
    '\xef\xbb\xbf<a/>', ' <?xml version="1.0"?><a/>', '<?XML?><a/>', '<?xmlx?><a/>',
    '<?xml-stylesheet href="s"?><a/>', '<?a:b?><a/>', '<?pi <!-- ?><!DOCTYPE a><a/>',
    '<a><?pi x?><!-- c --></a><!-- e --><?pi?>\n',
    '<a>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x20AC;&#x1F600;&#38;</a>',
    '<a>&#x000000000a;&#x0000000000a;</a>', '<a>&#0;&#x110000;&#xD800;&#xFFFE;&#X41;</a>', '<a>&nbsp;</a>',
    '<a b="1\t2\n3\r\n4\r5&#13;&#10;">x\r\ny\rz</a>', '<a><![CDATA[<&\r\n]]]>\xc1\x81</a>',
    '<a><![CDATA[\xc1\x81\xe0\x81\x81\xf0\x80\x81\x81]]></a>', '<a>]]></a>', '<a>]]]></a>',
    '<a><!-- x -- y --></a>', '<a><!----><!---></a>', '<a b="1" b="2"/>', '<a b="<"/>', '<a b="1"c="2"/>',
    '<a xmlns="http://d/" xmlns:p="http://p/" p:x="1" y="2"><p:b/><c xmlns=""/></a>',
    '<a xmlns:p="http://x/" xmlns:q="http://x/" p:b="1" q:b="2"/>', '<a xmlns:p=""/>', '<a xmlns="a b"/>',
    '<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xmlns:xml="http://www.w3.org/XML/1998/namespace"/>',
    '<a xmlns:xmlns="http://x/"/>', '<a xmlns="http://www.w3.org/2000/xmlns/"/>', '<a xml:space="x" xml:lang="en"/>',
    '<p:a/>', '<a p:b="1"/>', '<a:b:c/>', '<:a/>', '<a:/>', '<a:1/>', '<a></b>', '<a></a >', '<a></a/>',
    '<\xc3\xa9t\xc3\xa9 a\xcc\x80="\xe2\x80\x99"/>', '<a\xc2\xb7/>', '<a>\xed\xa0\x80\xef\xbf\xbe</a>',
    '<a/><b/>', '<a/>x', 'x<a/>', '<a>', '<a><b c="1', '\x4c\x6f\xa7\x94\x93\x40',
]
for i, doc in enumerate(corners):
    put('xml_differential', 'corner-%02d' % i, bytes([i & 7]) + doc.encode('latin-1').decode('unicode_escape').encode('latin-1'))
