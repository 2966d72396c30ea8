/**
 * Env names whose values are secrets by convention: their values are shown redacted to read
 * tokens (dashboards, scripts) and the console never prints env values at all.
 */
export const SECRET_ENV_NAME = /TOKEN|SECRET|PASSW(OR)?D|KEY|CREDENTIAL|AUTH/i;
export const REDACTED = '<redacted>';

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAME.test(name);
}

/** The env with every secret value replaced by REDACTED: names matching SECRET_ENV_NAME and those the job declared secret. */
export function redactEnv(env: Record<string, string>, declared: readonly string[] = []): Record<string, string> {
  const secret = (name: string): boolean => isSecretEnvName(name) || declared.includes(name);
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, secret(name) ? REDACTED : value]));
}
