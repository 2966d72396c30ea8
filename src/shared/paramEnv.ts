/** `learning-rate` → `GANTRY_PARAM_LEARNING_RATE`: environment names allow letters, digits and _ only. */
export function paramEnvName(name: string): string {
  return `GANTRY_PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}
