import type { MdastPluginDefinition } from 'satteri';
export const noFrontmatterEcho: MdastPluginDefinition;
export default noFrontmatterEcho;
