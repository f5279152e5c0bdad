#!/usr/bin/env python3
"""Adds messages to Sources/App/Core/Messages.swift, keeping keys sorted.

Usage: scripts/add-messages.py FILE   where each line of FILE is `key = text`
(a key already present has its text replaced)."""
import re, sys

path = 'Sources/App/Core/Messages.swift'
source = open(path, encoding='utf-8').read()
cases = re.findall(r'^    case (\w+)$', source, re.M)
texts = dict(re.findall(r'^        \.(\w+): (".*"),$', source, re.M))
for line in open(sys.argv[1], encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip() or line.startswith('#'):
        continue
    key, text = line.split(' = ', 1)
    key = key.strip()
    texts[key] = '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'
    if key not in cases:
        cases.append(key)
cases = sorted(set(cases), key=lambda k: k)
enum_body = ''.join(f'    case {k}\n' for k in cases)
dict_body = ''.join(f'        .{k}: {texts[k]},\n' for k in cases)
source = re.sub(r'(enum L: String, CaseIterable, Sendable \{\n)(?:    case \w+\n)+', lambda m: m.group(1) + enum_body, source)
source = re.sub(r'(static let zh: \[L: String\] = \[\n)(?:        \.\w+: ".*",\n)+', lambda m: m.group(1) + dict_body, source)
open(path, 'w', encoding='utf-8').write(source)
print(f'{len(cases)} messages')
