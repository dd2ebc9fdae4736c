export interface Comparison {
  operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  value: number;
}

/** "< 0.01", ">= 3" (already checked by the probe schema). */
export function parseComparison(text: string): Comparison {
  const match = /^\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/.exec(text);
  return { operator: (match?.[1] ?? '==') as Comparison['operator'], value: Number(match?.[2]) };
}

export function compare(actual: number, { operator, value }: Comparison): boolean {
  switch (operator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}
