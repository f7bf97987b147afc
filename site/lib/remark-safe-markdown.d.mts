export function isSafeUrl(url: unknown): boolean;
export default function remarkSafeMarkdown(): (tree: { type: string; children?: unknown[] }) => void;
