// js-yaml 3 (installed as gray-matter's dependency) ships no types; the tests use only safeLoad.
declare module 'js-yaml' {
  const yaml: { safeLoad(source: string, options?: { filename?: string }): unknown };
  export default yaml;
}
