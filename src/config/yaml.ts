import YAML, { LineCounter } from 'yaml';

/**
 * Parses YAML text into plain values, or throws an Error whose message is one line saying what is wrong and where.
 * An alias used inside its own anchor (`a: &x [*x]`) is refused: it would make a value that contains itself, which
 * no setting can be and which breaks everything that walks the value.
 */
export function parseYaml(text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  // The first line says what and where; the lines after it quote the source, which a one-line message leaves out.
  if (doc.errors.length) throw new Error(doc.errors[0].message.split('\n')[0].replace(/:$/, ''));
  let loop: string | null = null;
  YAML.visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (!target || !path.includes(target)) return undefined;
      const { line, col } = lineCounter.linePos(alias.range?.[0] ?? 0);
      loop = `the alias *${alias.source} at line ${line}, column ${col} is inside its own anchor &${alias.source} (a value cannot contain itself)`;
      return YAML.visit.BREAK;
    },
  });
  if (loop) throw new Error(loop);
  return doc.toJS();
}
