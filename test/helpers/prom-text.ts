/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Parses the Prometheus text format strictly (its rules: `# HELP`/`# TYPE` lines, metric names,
 * quoted and escaped label values, float values incl. NaN/±Inf). @throws Error naming the line.
 */
export function parsePromText(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}: ${line.slice(0, 120)}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m || !NAME.test(m[2]!)) throw new Error(`bad comment ${where}`);
      if (m[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!))
          throw new Error(`bad type ${where}`);
        types.set(m[2]!, m[3]!);
      }
      return;
    }
    let j = 0;
    while (j < line.length && /[a-zA-Z0-9_:]/.test(line[j]!)) j++;
    const name = line.slice(0, j);
    if (!NAME.test(name)) throw new Error(`bad name ${where}`);
    const labels: Record<string, string> = {};
    if (line[j] === '{') {
      j++;
      while (line[j] !== '}') {
        const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(j));
        if (!lm) throw new Error(`bad label ${where}`);
        j += lm[0].length;
        let v = '';
        while (line[j] !== '"') {
          if (j >= line.length) throw new Error(`unterminated label value ${where}`);
          if (line[j] === '\\') {
            const e = line[j + 1];
            v += e === 'n' ? '\n' : e!;
            j += 2;
          } else v += line[j++];
        }
        j++;
        labels[lm[1]!] = v;
        if (line[j] === ',') j++;
        else if (line[j] !== '}') throw new Error(`bad label list ${where}`);
      }
      j++;
    }
    const rest = line.slice(j).trim().split(/\s+/);
    if (rest.length < 1 || rest.length > 2) throw new Error(`bad value ${where}`);
    const v = rest[0]!;
    // Prometheus reads values with Go's ParseFloat: NaN and Inf in any case (prom-client writes `Nan`).
    const nan = /^nan$/i.test(v);
    const inf = /^([+-]?)inf(inity)?$/i.exec(v);
    const value = nan ? NaN : inf ? (inf[1] === '-' ? -Infinity : Infinity) : Number(v);
    if (v === '' || (Number.isNaN(value) && !nan)) throw new Error(`bad value ${where}`);
    samples.push({ name, labels, value });
  });
  return { samples, types };
}

/** The value of the sample with this name whose labels include `labels`, or undefined. */
export function sampleValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;
}
