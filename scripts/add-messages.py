#!/usr/bin/env python3
"""Adds messages to the catalogues, keeping keys sorted: Chinese in
Sources/App/Core/Messages.swift, English in Sources/App/Core/MessagesEnglish.swift.

Usage: scripts/add-messages.py FILE   where each line of FILE is `key = 中文`
or `key.en = English` (a key already present has its text replaced). Every key
needs both; LanguageTests fails on a key missing from either catalogue."""
import re, sys

zh_path = 'Sources/App/Core/Messages.swift'
en_path = 'Sources/App/Core/MessagesEnglish.swift'
zh_source = open(zh_path, encoding='utf-8').read()
cases = re.findall(r'^    case (\w+)$', zh_source, re.M)
zh = dict(re.findall(r'^        \.(\w+): (".*"),$', zh_source, re.M))
try:
    en_source = open(en_path, encoding='utf-8').read()
except FileNotFoundError:
    en_source = ('/// The English catalogue: the same keys as `Messages.zh`, with the same placeholders.\n'
                 'extension Messages {\n    static let en: [L: String] = [\n    ]\n}\n')
en = dict(re.findall(r'^        \.(\w+): (".*"),$', en_source, re.M))

def quoted(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'

for line in open(sys.argv[1], encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip() or line.startswith('#'):
        continue
    key, text = line.split(' = ', 1)
    key = key.strip()
    if key.endswith('.en'):
        en[key[:-3]] = quoted(text)
    else:
        zh[key] = quoted(text)
        cases.append(key)
cases = sorted(set(cases))

def body(texts):
    return ''.join(f'        .{k}: {texts[k]},\n' for k in cases if k in texts)

zh_source = re.sub(r'(enum L: String, CaseIterable, Sendable \{\n)(?:    case \w+\n)+',
                   lambda m: m.group(1) + ''.join(f'    case {k}\n' for k in cases), zh_source)
zh_source = re.sub(r'(static let zh: \[L: String\] = \[\n)(?:        \.\w+: ".*",\n)*', lambda m: m.group(1) + body(zh), zh_source)
en_source = re.sub(r'(static let en: \[L: String\] = \[\n)(?:        \.\w+: ".*",\n)*', lambda m: m.group(1) + body(en), en_source)
open(zh_path, 'w', encoding='utf-8').write(zh_source)
open(en_path, 'w', encoding='utf-8').write(en_source)
missing = [k for k in cases if k not in en]
print(f'{len(cases)} messages' + (f'; no English yet for: {", ".join(missing)}' if missing else ''))
