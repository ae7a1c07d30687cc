#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hold the skbpool netlink spec, its uapi header and the kernel code together.

    spec_check.py KERNEL_SOURCE

Runs the kernel's own generator (tools/net/ynl/ynl-gen-c.py of
KERNEL_SOURCE) on Documentation/netlink/specs/skbpool.yaml, in a scratch
tree, and compares what it renders with what the repository has:

  - the spec is valid against the genetlink-legacy schema;
  - include/uapi/linux/skbpool.h defines the same names with the same
    values as the rendered uapi header (both compiled and printed);
  - core/netlink-gen.c has the same request policies, range checks, ops table
    entries and multicast groups as the rendered kernel source, entry by
    entry;
  - core/netlink-gen.h declares every handler, policy and group the
    rendered kernel header declares, with the same prototypes.

KTAP on stdout, exit 1 when anything differs.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = 'Documentation/netlink/specs/skbpool.yaml'
UAPI = 'include/uapi/linux/skbpool.h'
KERNEL_C = 'core/netlink-gen.c'
KERNEL_H = 'core/netlink-gen.h'

results = []


def report(ok, name, why=''):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} {name}")
    for line in why.splitlines():
        print(f'# {line}')


def generate(ksrc, scratch, mode, kind, out):
    """ynl-gen-c wants the spec under a kernel-like tree (MAINTAINERS at the
    top, the schema in Documentation/netlink/)."""
    subprocess.run([sys.executable, os.path.join(ksrc, 'tools/net/ynl/ynl-gen-c.py'),
                    '--spec', os.path.join(scratch, SPEC), '--mode', mode, kind,
                    '-o', out], check=True, capture_output=True, text=True,
                   cwd=os.path.join(ksrc, 'tools/net/ynl'), timeout=120)


def header_names(text):
    names = re.findall(r'^\t([A-Z][A-Z0-9_]*)\b', text, re.M)
    defines = re.findall(r'^#define\s+([A-Z][A-Z0-9_]*)\s+(\S.*)$', text, re.M)
    return names, defines


def header_values(path, names, defines):
    """Every name's value as the compiler sees it."""
    lines = [f'#include "{path}"', '#include <stdio.h>', 'int main(void)', '{']
    for n in names:
        lines.append(f'\tprintf("%s %lld\\n", "{n}", (long long){n});')
    for n, v in defines:
        fmt = '%s' if v.startswith('"') else '%lld'
        cast = '' if v.startswith('"') else '(long long)'
        lines.append(f'\tprintf("%s {fmt}\\n", "{n}", {cast}{n});')
    lines += ['\treturn 0;', '}']
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, 'v.c')
        exe = os.path.join(d, 'v')
        with open(src, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        subprocess.run(['cc', '-o', exe, src], check=True, capture_output=True, text=True)
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    return dict(line.split(' ', 1) for line in out.splitlines())


def norm(s):
    return re.sub(r'\s+', ' ', s).strip()


def policies(text):
    found = {}
    for m in re.finditer(r'struct nla_policy (\w+)\[([^\]]+)\] = \{\n(.*?)\n\};', text, re.S):
        # An entry may wrap onto a second line.
        entries = dict(re.findall(r'\[(\w+)\] =\s*(.*?),\s*(?=\n\s*\[|\Z)', m.group(3), re.S))
        found[m.group(1)] = (norm(m.group(2)), {k: norm(v) for k, v in entries.items()})
    return found


def ranges(text):
    found = {}
    for m in re.finditer(r'struct netlink_range_validation (\w+) = \{\n(.*?)\n\};', text, re.S):
        found[m.group(1)] = dict(re.findall(r'\.(\w+)\s*=\s*(.*?),', m.group(2)))
    return found


def ops(text):
    m = re.search(r'struct genl_split_ops \w+\[[^\]]*\] = \{\n(.*?)\n\};', text, re.S)
    if not m:
        return []
    entries = []
    for block in re.findall(r'^\t\{\n(.*?)^\t\},?$', m.group(1), re.S | re.M):
        entries.append({k: norm(v) for k, v in re.findall(r'\.(\w+)\s*=\s*(.*?),$', block, re.M)})
    return entries


def mcgrps(text):
    m = re.search(r'struct genl_multicast_group \w+\[\] = \{\n(.*?)\n\};', text, re.S)
    return re.findall(r'\[(\w+)\] = \{ "([^"]+)", \}', m.group(1)) if m else []


def declarations(text):
    """The header's declarations (prototypes, externs, enum entries), each
    on one line with its whitespace normalized."""
    body = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    body = re.sub(r'^#.*$', '', body, flags=re.M)
    decls = {norm(d) for d in re.findall(r'^[a-z][^;{}]*\);', body, re.S | re.M)}
    decls |= {norm(d) for d in re.findall(r'^extern [^;]*;', body, re.M)}
    decls |= {f'group {g}' for g in re.findall(r'^\t(SKBPOOL_NLGRP_\w+),', body, re.M)}
    return decls


def diff(what, want, have):
    """Lines saying where have differs from want, empty when they agree."""
    out = []
    for k in sorted(set(want) | set(have)):
        if k not in have:
            out.append(f'{what} {k}: missing (spec has {want[k]})')
        elif k not in want:
            out.append(f'{what} {k}: not in the spec (code has {have[k]})')
        elif want[k] != have[k]:
            out.append(f'{what} {k}: spec renders {want[k]}, code has {have[k]}')
    return out


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ksrc = sys.argv[1]
    print('KTAP version 1')
    print('1..5')
    with tempfile.TemporaryDirectory() as scratch:
        os.makedirs(os.path.join(scratch, 'Documentation/netlink/specs'))
        open(os.path.join(scratch, 'MAINTAINERS'), 'w').close()
        shutil.copy(os.path.join(ksrc, 'Documentation/netlink/genetlink-legacy.yaml'),
                    os.path.join(scratch, 'Documentation/netlink/'))
        shutil.copy(os.path.join(REPO, SPEC), os.path.join(scratch, SPEC))

        try:
            import jsonschema
            import yaml
            with open(os.path.join(REPO, SPEC)) as f:
                spec = yaml.safe_load(f)
            with open(os.path.join(scratch, 'Documentation/netlink/genetlink-legacy.yaml')) as f:
                schema = yaml.safe_load(f)
            jsonschema.validate(spec, schema)
            report(True, 'spec valid against genetlink-legacy')
        except Exception as e:  # noqa: BLE001 - any failure is the verdict
            report(False, 'spec valid against genetlink-legacy', str(e)[:2000])

        gen_h = os.path.join(scratch, 'gen.h')
        gen_c = os.path.join(scratch, 'gen.c')
        try:
            generate(ksrc, scratch, 'uapi', '--header', gen_h)
            generate(ksrc, scratch, 'kernel', '--source', gen_c)
            generate(ksrc, scratch, 'kernel', '--header', os.path.join(scratch, 'gen-k.h'))
        except subprocess.CalledProcessError as e:
            report(False, 'ynl-gen-c renders the spec', e.stderr[-2000:])
            return 1
        report(True, 'ynl-gen-c renders the spec')

        with open(gen_h) as f:
            g_names, g_defs = header_names(f.read())
        with open(os.path.join(REPO, UAPI)) as f:
            o_names, o_defs = header_names(f.read())
        guard = {'_UAPI_LINUX_SKBPOOL_H'}
        g_defs = [d for d in g_defs if d[0] not in guard]
        o_defs = [d for d in o_defs if d[0] not in guard]
        try:
            want = header_values(gen_h, g_names, g_defs)
            have = header_values(os.path.join(REPO, UAPI), o_names, o_defs)
            problems = diff('uapi', want, have)
        except subprocess.CalledProcessError as e:
            problems = ['compiling a header failed:', e.stderr[-2000:]]
        report(not problems, 'uapi header matches the spec', '\n'.join(problems))

        with open(gen_c) as f:
            gen = f.read()
        with open(os.path.join(REPO, KERNEL_C)) as f:
            code = f.read()
        problems = []
        for name, (want_size, want_entries) in policies(gen).items():
            have = policies(code).get(name)
            if not have:
                problems.append(f'policy {name}: missing')
                continue
            if have[0] != want_size:
                problems.append(f'policy {name}: size {have[0]}, spec renders {want_size}')
            problems += diff(f'policy {name}', want_entries, have[1])
        for name in set(policies(code)) - set(policies(gen)):
            problems.append(f'policy {name}: not in the spec')
        problems += diff('range', ranges(gen), ranges(code))
        g_ops, o_ops = ops(gen), ops(code)
        if len(g_ops) != len(o_ops):
            problems.append(f'ops: {len(o_ops)} entries, spec renders {len(g_ops)}')
        for i, (w, h) in enumerate(zip(g_ops, o_ops)):
            problems += diff(f'op {i} ({w.get("cmd")})', w, h)
        if mcgrps(gen) != mcgrps(code):
            problems.append(f'mcast groups: spec renders {mcgrps(gen)}, code has {mcgrps(code)}')
        report(not problems, 'kernel policies and ops match the spec', '\n'.join(problems))

        with open(os.path.join(scratch, 'gen-k.h')) as f:
            want = declarations(f.read())
        with open(os.path.join(REPO, KERNEL_H)) as f:
            have = declarations(f.read())
        problems = [f'missing from {KERNEL_H}: {d}' for d in sorted(want - have)]
        report(not problems, 'kernel header declares what the spec renders', '\n'.join(problems))

    failed = results.count(False)
    print(f'# spec_check: {len(results) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
