export interface Budget {
  id: string;
  description: string;
  limit: string;
  actual: number;
  pass: boolean;
  deterministic: boolean;
}
export declare function evaluateBudgets(sections: Record<string, unknown>): Budget[];
export declare function exitCodeFor(budgets: readonly Budget[], options: { strict: boolean; missingGating: readonly string[] }): 0 | 1;
