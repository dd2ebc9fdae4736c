export declare function percentile(samples: readonly number[], p: number): number;
export declare function median(samples: readonly number[]): number;
export declare function summarize(samples: readonly number[]): { n: number; min: number; median: number; p99: number; max: number };
export declare function slope(xs: readonly number[], ys: readonly number[]): number;
export declare function round(value: number): number;
