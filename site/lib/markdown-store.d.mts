import type { MdastPluginDefinition } from 'satteri';
export const bodyWordCount: MdastPluginDefinition;
export default bodyWordCount;
