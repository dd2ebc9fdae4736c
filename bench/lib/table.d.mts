export declare function formatTable(header: readonly string[], rows: readonly (readonly (string | number | undefined | null)[])[]): string;
