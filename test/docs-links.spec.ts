import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The documentation a newcomer navigates: README.md, docs/ and bench/README.md. A moved section
 * leaves links pointing at nothing, and a variable added to one list but not the other leaves the
 * configuration doc wrong; both are caught here rather than by a reader.
 */
const root = join(__dirname, '..');
const readText = (file: string): string => readFileSync(join(root, file), 'utf8');

function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => join('docs', file));
  return ['README.md', 'bench/README.md', ...docs.sort()];
}

interface Link {
  line: number;
  target: string;
}

/** Lines outside fenced code blocks: as written, and with inline code spans blanked out. */
function proseLines(markdown: string): Array<{ line: number; raw: string; text: string }> {
  const lines: Array<{ line: number; raw: string; text: string }> = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = /^\s*(```+|~~~+)/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) {
      lines.push({ line: index + 1, raw: text, text: text.replace(/(`+)[^`]*?\1/g, '') });
    }
  });
  return lines;
}

function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(markdown)) {
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line, target: match[1] ?? '' });
    }
    const definition = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(text);
    if (definition) links.push({ line, target: definition[1] ?? '' });
  }
  return links;
}

/** GitHub's heading ids: text as rendered, lower-cased, punctuation dropped, spaces to hyphens. */
function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\*\*?|__/g, '');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { raw } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/**
 * Every relative link of `file` that points at nothing: a missing file or folder, or an anchor
 * that is not a heading of the markdown file it points into.
 */
function brokenLinks(
  file: string,
  markdown: string,
  exists: (path: string) => boolean,
  read: (path: string) => string,
): string[] {
  const broken: string[] = [];
  for (const { line, target } of linksOf(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [pathPart = '', anchor] = target.split('#', 2);
    const path = pathPart === '' ? file : join(dirname(file), decodeURIComponent(pathPart));
    const where = `${file}:${line} → ${target}`;
    if (!exists(path)) {
      broken.push(`${where} (no such file: ${path})`);
      continue;
    }
    if (anchor !== undefined && anchor !== '' && path.endsWith('.md')) {
      if (!anchorsOf(read(path)).has(decodeURIComponent(anchor).toLowerCase())) {
        broken.push(`${where} (no heading #${anchor} in ${path})`);
      }
    }
  }
  return broken;
}

const onDisk = (path: string): boolean => existsSync(join(root, path));

describe('documentation links', () => {
  it('finds README.md, bench/README.md and the docs/ pages', () => {
    const files = markdownFiles();
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'bench/README.md', 'docs/README.md']),
    );
    for (const file of files) expect(statSync(join(root, file)).isFile()).toBe(true);
  });

  it('resolves every relative link, and every #anchor to a heading of its target', () => {
    const broken = markdownFiles().flatMap((file) =>
      brokenLinks(file, readText(file), onDisk, readText),
    );
    expect(broken).toEqual([]);
  });

  it('reports a missing file, a missing anchor and a missing same-page anchor (checker self-test)', () => {
    const pages: Record<string, string> = {
      'docs/a.md': [
        '# Page A',
        '## Rate limits (per `IP`)',
        '## Rate limits (per `IP`)',
        'See [b](b.md#the-first-admin), [dup](#rate-limits-per-ip-1), [code](../src/).',
        'Broken: [gone](gone.md), [anchor](b.md#no-such-heading), [self](#nowhere).',
        '```',
        '[ignored](inside-a-fence.md)',
        '```',
        'Also `[ignored](in-code.md)` and [web](https://example.com/x.md).',
      ].join('\n'),
      'docs/b.md': '# B\n\n## The first admin\n',
    };
    const exists = (path: string): boolean => path in pages || path === 'src/';
    const read = (path: string): string => pages[path] ?? '';
    expect(brokenLinks('docs/a.md', pages['docs/a.md'] ?? '', exists, read)).toEqual([
      'docs/a.md:5 → gone.md (no such file: docs/gone.md)',
      'docs/a.md:5 → b.md#no-such-heading (no heading #no-such-heading in docs/b.md)',
      'docs/a.md:5 → #nowhere (no heading #nowhere in docs/a.md)',
    ]);
  });
});

describe('configuration documentation', () => {
  it('.env.example and docs/configuration.md list the same variables', () => {
    const envExample = new Set(
      [...readText('.env.example').matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? ''),
    );
    const configurationDoc = new Set(
      [...readText('docs/configuration.md').matchAll(/^\| `([A-Z][A-Z0-9_]*)` /gm)].map(
        (m) => m[1] ?? '',
      ),
    );
    expect(envExample.size).toBeGreaterThan(0);
    expect({
      'in .env.example, not in docs/configuration.md': [...envExample].filter(
        (name) => !configurationDoc.has(name),
      ),
      'in docs/configuration.md, not in .env.example': [...configurationDoc].filter(
        (name) => !envExample.has(name),
      ),
    }).toEqual({
      'in .env.example, not in docs/configuration.md': [],
      'in docs/configuration.md, not in .env.example': [],
    });
  });
});
