#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What the field experiment's runs say (tests/field/field.sh).

  report.py run DIR CONFIG WORKLOAD ROUND OUTCOME WHERE FACTOR PASSES [PULL UP]
      read one run's guest outputs (DIR/client, DIR/server), write
      DIR/result.json, print one line
  report.py summary RUNS_DIR OUT_DIR MEM FACTOR PASSES HANG OUTAGE SECONDS
      OUT_DIR/field.json (key "runs" and the spread per configuration), the
      table on stdout, OUT_DIR/field.png and OUT_DIR/field-timeline.png
      (gnuplot)
  report.py verdict RESULT_JSON
      make check's short form: one KTAP result and "N passed, N failed"
"""
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys

CRITICAL = ('link', 'flow', 'rule')
DROPS = ('nonip', 'malformed', 'fragment', 'rule', 'nomatch')
# Columns of a sample line (fieldload sample).
SAMPLE_COLS = ('t', 'memfree', 'memavail', 'swapfree', 'pswpin', 'pswpout',
               'oom_kill', 'emergency', 'emergency_enter', 'critical_link',
               'critical_flow', 'critical_rule', 'dropped', 'slowpath',
               'lent', 'exhausted', 'rx_missed_errors')


def read(path):
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except OSError:
        return ''


def samples(path):
    rows = []
    for line in read(path).splitlines():
        if line.startswith('#'):
            continue
        w = line.split()
        if len(w) != len(SAMPLE_COLS):
            continue
        rows.append({k: (None if v == '-' else float(v))
                     for k, v in zip(SAMPLE_COLS, w)})
    return rows


def parse_run(d, config, workload, rnd, outcome, where, factor, passes,
              pull=0, up=0):
    out = read(os.path.join(d, 'client', 'out'))
    con = read(os.path.join(d, 'client', 'console.log'))
    srv = read(os.path.join(d, 'server', 'out'))
    smp = samples(os.path.join(d, 'client', 'samples'))
    end = dict(re.findall(r'^FIELD_END (\S+) (\S+)$', out, re.M))
    eth = {k: int(v) for k, v in
           re.findall(r'^FIELD_ETHTOOL (\S+) (\d+)$', out, re.M)}
    last = smp[-1] if smp else {}
    r = {'config': config, 'workload': workload, 'round': int(rnd),
         'ram_mib': None, 'factor': int(factor), 'passes': int(passes)}
    m = re.search(r'^FIELD_WORKERS ok (\d+) pattern_errors (\d+) killed (\d+) '
                  r'failed (\d+) seconds (\S+)$', out, re.M)
    wrong = sum(int(n) for n in re.findall(
        r'^FIELD_PATTERN_ERROR worker \d+: (\d+) words wrong$', out, re.M))
    ph = re.search(r'^FIELD_PHASE workers (\d+) processes, (\d+) MiB', out, re.M)
    if ph:
        r['workers'] = int(ph.group(1))
        r['mapped_mib'] = int(ph.group(2))
        r['ram_mib'] = int(ph.group(2)) // int(factor)

    def num(key, sample_key):
        if key in end:
            return int(end[key])
        v = last.get(sample_key)
        return None if v is None else int(v)

    oom = num('oom_kill', 'oom_kill')
    console_oom = len(re.findall(r'Out of memory: Killed process', con))
    r['pattern_errors'] = wrong
    r['workers_with_pattern_errors'] = int(m.group(2)) if m else None
    r['workers_killed'] = int(m.group(3)) if m else None
    r['oom_kills'] = max(oom or 0, console_oom)
    r['hung_tasks'] = len(re.findall(r'blocked for more than \d+ seconds', con))
    r['soft_lockups'] = len(re.findall(r'soft lockup', con))
    r['rcu_stalls'] = len(re.findall(r'rcu_\w+ (?:self-)?detected stall', con))
    r['kernel_warnings'] = len(re.findall(r'WARNING:|BUG:|Oops', con))
    r['nbd_stuck_requests'] = len(re.findall(r'Possible stuck request', con))
    r['nfs_not_responding'] = len(re.findall(r'not responding', con))
    if outcome == 'finished':
        if m and int(m.group(1)) == r.get('workers'):
            outcome = 'completed'
        elif wrong or (m and int(m.group(2))):
            outcome = 'data-loss'
            where = 'client: pattern errors (see FIELD_PATTERN_ERROR lines)'
        elif m and int(m.group(3)):
            outcome = 'oom-killed'
            where = 'client: %s workers killed' % m.group(3)
        else:
            outcome = 'failed'
            where = 'client: workers failed'
    r['outcome'] = outcome
    r['completed'] = outcome == 'completed'
    r['where'] = where or None
    # Wall time: the workers' own, or how long they had run when the
    # run was stopped.
    if m:
        r['seconds'] = float(m.group(5))
    else:
        r['seconds'] = last.get('t')
    r['pswpin'] = num('pswpin', 'pswpin')
    r['pswpout'] = num('pswpout', 'pswpout')

    def ctr(name, sample_key=None):
        if name in eth:
            return eth[name]
        if sample_key and last.get(sample_key) is not None:
            return int(last[sample_key])
        return None

    r['emergency_enter'] = ctr('skbpool_emergency_enter', 'emergency_enter')
    secs = None
    if smp and smp[0].get('emergency') is not None:
        secs = 0.0
        for a, b in zip(smp, smp[1:]):
            if a['emergency']:
                secs += b['t'] - a['t']
    r['emergency_seconds'] = secs
    crit = {k: ctr('skbpool_rx_critical_' + k, 'critical_' + k)
            for k in CRITICAL}
    r['critical_by_reason'] = crit
    r['critical'] = (None if any(v is None for v in crit.values())
                     else sum(crit.values()))
    r['dropped'] = ctr('skbpool_rx_drop_noncritical', 'dropped')
    r['dropped_by_reason'] = {k: ctr('skbpool_rx_drop_' + k) for k in DROPS}
    r['pool_slowpath'] = ctr('skbpool_rx_alloc_slowpath', 'slowpath')
    r['pool_lent'] = ctr('skbpool_rx_lent', 'lent')
    r['pool_exhausted'] = ctr('skbpool_rx_exhausted', 'exhausted')
    # A failed copybreak or fence copy: the frame was dropped for want of
    # an ordinary skb, the one allocation the tagged path still makes.
    r['pool_copy_failed'] = ctr('skbpool_rx_copy_failed')
    r['notes'] = re.findall(r'^FIELD_NOTE (.*)$', out, re.M)
    r['rx_missed_errors'] = ctr('rx_missed_errors', 'rx_missed_errors')
    fl = re.findall(r'^FIELD_FLOOD udp_sent (\d+) udp_errors (\d+) '
                    r'tcp_bytes (\d+) tcp_connections (\d+)$', srv, re.M)
    if fl:
        f = [int(x) for x in fl[-1]]
        r['flood'] = {'udp_sent': f[0], 'udp_errors': f[1],
                      'tcp_bytes': f[2], 'tcp_connections': f[3]}
    else:
        r['flood'] = None
    if workload.startswith('wire-pull'):
        r['wire_pulled_at'] = int(pull) or None
        r['wire_back_at'] = int(up) or None
    if smp:
        r['min_memfree_kib'] = int(min(s['memfree'] for s in smp))
    r['commit'] = read(os.path.join(d, 'commit')).strip() or 'unknown'
    r['samples'] = os.path.relpath(os.path.join(d, 'client', 'samples'),
                                   os.path.dirname(os.path.dirname(d)))
    with open(os.path.join(d, 'result.json'), 'w') as f:
        json.dump(r, f, indent=1)
    print('# field: %s %s round %s: %s%s, %s s, pswpin %s pswpout %s, '
          'pattern errors %s, OOM kills %s, hung tasks %s, emergency entries %s'
          % (config, workload, rnd, outcome,
             ' (' + where + ')' if where else '',
             r['seconds'], r['pswpin'], r['pswpout'], r['pattern_errors'],
             r['oom_kills'], r['hung_tasks'], r['emergency_enter']))
    return r


def spread(v):
    v = [x for x in v if x is not None]
    if not v:
        return None
    return {'min': min(v), 'median': statistics.median(v), 'max': max(v)}


def fmt(s, f='%.0f'):
    if not s:
        return '-'
    return (f + '/' + f + '/' + f) % (s['min'], s['median'], s['max'])


def gnuplot(script, cwd):
    try:
        subprocess.run(['gnuplot'], input=script, text=True, cwd=cwd,
                       check=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        print('# field: gnuplot failed: %s' % e)
        return False


def charts(out_dir, runs, groups, runs_dir):
    data = os.path.join(out_dir, 'field-chart')
    os.makedirs(data, exist_ok=True)
    # Wall time per run, one column per configuration and workload;
    # runs that did not complete drawn apart.
    labels = []
    with open(os.path.join(data, 'runs.dat'), 'w') as f:
        for i, (key, rs) in enumerate(groups):
            labels.append('"%s\\n%s" %d' % (key[1], key[0], i))
            for j, r in enumerate(rs):
                x = i + (j - (len(rs) - 1) / 2) * 0.12
                f.write('%.2f %s %d\n' % (x, r['seconds'] or 0,
                                          1 if r['completed'] else 0))
    gnuplot('''
set terminal pngcairo size 1100,500 font ",10"
set output "../field.png"
set title "make bench-field: workers' wall time per run (filled: completed; cross: hung, data loss, OOM kill or failed)"
set ylabel "seconds"
set bmargin 4
set xtics (%s)
set xrange [-0.6:%f]
set yrange [0:*]
set grid ytics
set key top left
plot "runs.dat" using 1:($3 == 1 ? $2 : 1/0) with points pt 7 ps 1.5 lc rgb "#22aa77" title "completed", \\
     "runs.dat" using 1:($3 == 0 ? $2 : 1/0) with points pt 2 ps 2 lc rgb "#cc2222" title "not completed"
''' % (', '.join(labels), len(groups) - 0.4), data)
    # One run per configuration over time: the first swap-nbd run (else
    # the first run) of each.
    picked = []
    for cfg in sorted({r['config'] for r in runs},
                      key=lambda c: ('tagged', 'untagged', 'stock').index(c)
                      if c in ('tagged', 'untagged', 'stock') else 9):
        rs = [r for r in runs if r['config'] == cfg]
        rs.sort(key=lambda r: (r['workload'] != 'swap-nbd', r['round']))
        picked.append(rs[0])
    if not picked:
        return
    plots = []
    for n, r in enumerate(picked):
        smp = samples(os.path.join(runs_dir, '..', r['samples']))
        fn = 'timeline-%d.dat' % n
        with open(os.path.join(data, fn), 'w') as f:
            for a, b in zip(smp, smp[1:]):
                dt = (b['t'] - a['t']) or 1
                rate = ((b['pswpin'] + b['pswpout']) -
                        (a['pswpin'] + a['pswpout'])) * 4 / 1024 / dt
                f.write('%.1f %.1f %.2f %d\n' % (
                    b['t'], b['memfree'] / 1024, rate,
                    1 if b['emergency'] else 0))
        top = max([s['memfree'] for s in smp] + [1024]) / 1024 * 1.05
        plots.append('''
set title "%s, %s round %d: %s"
set yrange [0:%.0f]
plot "%s" using 1:($4 * %.0f) with filledcurves x1 fc rgb "#ffcccc" title "in emergency", \\
     "%s" using 1:2 with lines lw 2 lc rgb "#2266aa" title "MemFree, MiB", \\
     "%s" using 1:3 axes x1y2 with lines lc rgb "#aa6622" title "swap in+out, MiB/s"
''' % (r['config'], r['workload'], r['round'], r['outcome'], top, fn, top,
       fn, fn))
    gnuplot('''
set terminal pngcairo size 1100,%d font ",10"
set output "../field-timeline.png"
set multiplot layout %d,1
set xlabel "seconds since the sampler started"
set ylabel "MemFree, MiB"
set y2label "swap MiB/s"
set y2tics
set y2range [0:*]
set key top right
set grid
%s
unset multiplot
''' % (320 * len(plots), len(plots), ''.join(plots)), data)


def summary(runs_dir, out_dir, mem, factor, passes, hang, outage, seconds):
    runs = []
    for p in sorted(glob.glob(os.path.join(runs_dir, '*', 'result.json'))):
        with open(p) as f:
            runs.append(json.load(f))
    order = {c: i for i, c in enumerate(('tagged', 'untagged', 'stock'))}
    worder = {w: i for i, w in enumerate(('swap-nbd', 'swap-nfs', 'wire-pull',
                                          'wire-pull-held'))}
    runs.sort(key=lambda r: (worder.get(r['workload'], 9),
                             order.get(r['config'], 9), r['round']))
    groups = []
    for r in runs:
        key = (r['config'], r['workload'])
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(r)
    spreads = []
    for (cfg, wl), rs in groups:
        done = [r for r in rs if r['completed']]
        spreads.append({
            'config': cfg, 'workload': wl, 'runs': len(rs),
            'completed': len(done),
            'seconds_completed': spread([r['seconds'] for r in done]),
            'pswpin': spread([r['pswpin'] for r in rs]),
            'pswpout': spread([r['pswpout'] for r in rs]),
            'pattern_errors': sum(r['pattern_errors'] for r in rs),
            'oom_kills': sum(r['oom_kills'] for r in rs),
            'hung_tasks': sum(r['hung_tasks'] for r in rs),
            'emergency_enter': spread([r['emergency_enter'] for r in rs]),
            'emergency_seconds': spread([r['emergency_seconds'] for r in rs]),
            'critical': spread([r['critical'] for r in rs]),
            'dropped': spread([r['dropped'] for r in rs]),
            'rx_missed_errors': spread([r['rx_missed_errors'] for r in rs]),
            'pool_copy_failed': spread([r.get('pool_copy_failed') for r in rs]),
            'outcomes': [r['outcome'] for r in rs],
        })
    cpu = ''
    for line in read('/proc/cpuinfo').splitlines():
        if line.startswith('model name'):
            cpu = line.split(':', 1)[1].strip()
            break
    qemu = subprocess.run(['qemu-system-x86_64', '--version'],
                          capture_output=True, text=True).stdout.split('\n')[0]
    doc = {
        'machine': '%s TCG, client %d MiB 2 vCPUs, server 1 vCPU; host %s, %d cores'
                   % (qemu, int(mem), cpu, os.cpu_count()),
        'host': platform.node(),
        'parameters': {'client_ram_mib': int(mem), 'factor': int(factor),
                       'passes': int(passes), 'hang_seconds': int(hang),
                       'outage_seconds': int(outage)},
        'bench_seconds': int(seconds),
        'commits': sorted({r.get('commit', 'unknown') for r in runs}),
        'runs': runs,
        'spread': spreads,
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'field.json'), 'w') as f:
        json.dump(doc, f, indent=1)
    print()
    print('%-9s %-9s %5s %17s %13s %13s %4s %4s %4s %11s %9s %11s %13s'
          % ('workload', 'client', 'done', 'seconds', 'pswpin', 'pswpout',
             'err', 'oom', 'hung', 'emerg.enter', 'emerg.s', 'critical',
             'dropped'))
    print('%-9s %-9s %5s %17s %13s %13s %4s %4s %4s %11s %9s %11s %13s'
          % ('', '', '', 'min/med/max', 'median', 'median', '', '', '',
             'min/med/max', 'median', 'median', 'median'))
    for s in spreads:
        med = (lambda k: '-' if not s[k] else '%.0f' % s[k]['median'])
        print('%-9s %-9s %5s %17s %13s %13s %4d %4d %4d %11s %9s %11s %13s'
              % (s['workload'], s['config'],
                 '%d/%d' % (s['completed'], s['runs']),
                 fmt(s['seconds_completed']), med('pswpin'), med('pswpout'),
                 s['pattern_errors'], s['oom_kills'], s['hung_tasks'],
                 fmt(s['emergency_enter']), med('emergency_seconds'),
                 med('critical'), med('dropped')))
    print('client: tagged = e1000sp tagged (+ rules for the storage ports), '
          'untagged = e1000sp untagged, stock = in-tree e1000')
    print('seconds: the workers\' wall time over the completed runs; err: '
          'pattern errors (words), oom: OOM kills, hung: hung-task warnings')
    for s in spreads:
        if s['pool_copy_failed'] and s['pool_copy_failed']['max']:
            print('%s %s: copies failed (skbpool_rx_copy_failed) %s'
                  % (s['workload'], s['config'], fmt(s['pool_copy_failed'])))
    for r in runs:
        if not r['completed']:
            print('not completed: %s %s round %d: %s (%s)'
                  % (r['config'], r['workload'], r['round'], r['outcome'],
                     r['where']))
    commits = sorted({r.get('commit', 'unknown') for r in runs})
    print('machine: ' + doc['machine'])
    print('runs made on commit%s %s' % ('s' if len(commits) > 1 else '',
                                        ', '.join(commits)))
    print('bench-field took %d s (this sitting)' % int(seconds))
    charts(out_dir, runs, groups, runs_dir)
    print('== written: build/bench/field.json, build/bench/field.png, '
          'build/bench/field-timeline.png')


def verdict(path):
    name = 'field_swap_nbd_tagged'
    try:
        with open(path) as f:
            r = json.load(f)
    except (OSError, ValueError):
        print('not ok 1 %s # no result (%s)' % (name, path))
        print('0 passed, 1 failed')
        return 1
    why = []
    if not r['completed']:
        why.append('%s: %s' % (r['outcome'], r['where']))
    if r['pattern_errors']:
        why.append('%d pattern errors' % r['pattern_errors'])
    if r['oom_kills']:
        why.append('%d OOM kills' % r['oom_kills'])
    if r['hung_tasks']:
        why.append('%d hung-task warnings' % r['hung_tasks'])
    print('# %s: %s s, pswpin %s, pswpout %s, emergency entries %s, '
          'critical %s, dropped %s, copies failed %s'
          % (name, r['seconds'], r['pswpin'], r['pswpout'],
             r['emergency_enter'], r['critical'], r['dropped'],
             '-' if r.get('pool_copy_failed') is None else r['pool_copy_failed']))
    if why:
        print('not ok 1 %s # %s' % (name, '; '.join(why)))
        print('0 passed, 1 failed')
        return 1
    print('ok 1 %s' % name)
    print('1 passed, 0 failed')
    return 0


def main(a):
    if len(a) >= 9 and a[0] == 'run':
        parse_run(*a[1:])
        return 0
    if len(a) == 9 and a[0] == 'summary':
        summary(*a[1:])
        return 0
    if len(a) == 2 and a[0] == 'verdict':
        return verdict(a[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
