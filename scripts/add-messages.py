#!/usr/bin/env python3
"""Adds or changes messages in the text catalogue: Sources/App/Resources/messages.zh.json
and messages.en.json (sorted keys, one message per line). It writes only those files.

Usage: scripts/add-messages.py FILE   where each line of FILE is `key = 中文`
or `key.en = English` (a key already present has its text replaced). Every key
needs both. A new key also needs its case in `enum L` (Sources/App/Core/Messages.swift):
the script prints the ones missing, and CatalogueTests fails until they are there."""
import json, re, sys

paths = {'zh': 'Sources/App/Resources/messages.zh.json', 'en': 'Sources/App/Resources/messages.en.json'}
texts = {lang: json.load(open(path, encoding='utf-8')) for lang, path in paths.items()}

for line in open(sys.argv[1], encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip() or line.startswith('#'):
        continue
    key, text = line.split(' = ', 1)
    key = key.strip()
    lang = 'en' if key.endswith('.en') else 'zh'
    key = key[:-3] if lang == 'en' else key
    if not re.fullmatch(r'[a-z][A-Za-z0-9]*', key):
        sys.exit(f'not a key: {key!r} (lowerCamelCase letters and digits)')
    texts[lang][key] = text

for lang, path in paths.items():
    with open(path, 'w', encoding='utf-8') as out:
        json.dump(texts[lang], out, ensure_ascii=False, indent=1, sort_keys=True)
        out.write('\n')

for key in sorted(set(texts['zh']) ^ set(texts['en'])):
    print(f'{key}: missing in {"en" if key in texts["zh"] else "zh"}')
cases = set(re.findall(r'^    case (\w+)$', open('Sources/App/Core/Messages.swift', encoding='utf-8').read(), re.M))
for key in sorted(set(texts['zh']) - cases):
    print(f'add to enum L in Sources/App/Core/Messages.swift:    case {key}')
