/**
 * Reading what earlier versions wrote. Records of format 1 written before the Agent interface (issue 23) kept DQN's
 * final exploration rate as `finalEpsilon`, where records now keep the agent's state diagnostics by name; such a
 * record reads as the one written today would, so experiments of those versions resume and stay readable.
 */
export function finalEpsilonAsDiagnostics(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (!('finalEpsilon' in record) || 'diagnostics' in record) return value;
  const { finalEpsilon, ...rest } = record;
  return { ...rest, diagnostics: { epsilon: finalEpsilon } };
}
