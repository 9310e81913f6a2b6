/**
 * The console's opening tabs (GraphiQL at /graphql): sign in first, then the supervision office's
 * daily work. The token from the first tab goes into the Headers pane as `Authorization: Bearer …`.
 */
export const consoleHeaders = JSON.stringify({ Authorization: 'Bearer <paste the token from the SignIn tab>' }, null, 2);

const tab = (query: string, variables: Record<string, unknown> = {}) => ({
  query: `${query.trim()}\n`,
  variables: JSON.stringify(variables, null, 2),
  headers: consoleHeaders,
});

export const consoleTabs = [
  tab(
    `
# 1. Sign in. Then put the token in the Headers pane
#    below (every tab): "Bearer <token>".
mutation SignIn($login: String!, $password: String!) {
  login(login: $login, password: $password) { token expiresAt user { displayName roles unit { name } } }
}`,
    { login: 'office', password: '' },
  ),
  tab(`
# 2. The overdue items (逾期), with their units and deadlines.
query Overdue {
  problems(overdue: true, first: 50) {
    edges { node { id ledgerNumber status deadline description responsibleUnit { name } supervisionCount } }
    pageInfo { hasNextPage endCursor }
  }
}`),
  tab(
    `
# 3. Raise a problem (问题交办); it gets the next ledger number of its source and year.
mutation Raise($description: String!) {
  raiseProblem(source: county_self_check, category: housing, description: $description) {
    problem { id ledgerNumber status }
  }
}`,
    { description: '' },
  ),
  tab(
    `
# 4. Assign it and set its deadline (a county calendar day).
mutation AssignAndSetDeadline($problemId: ID!, $unitId: ID!, $person: String!, $deadline: String!) {
  assignProblem(problemId: $problemId, responsibleUnitId: $unitId, responsiblePerson: $person) { problem { status } }
  setDeadline(problemId: $problemId, deadline: $deadline) { problem { ledgerNumber deadline } }
}`,
    { problemId: '', unitId: '', person: '', deadline: '' },
  ),
  tab(
    `
# 5. Order supervision (督办) on an overdue item, or close (销号) a verified one.
mutation Supervise($problemId: ID!, $instruction: String!, $finishBy: String!) {
  orderSupervision(problemId: $problemId, instruction: $instruction, finishBy: $finishBy) { problem { ledgerNumber supervisionCount } }
}`,
    { problemId: '', instruction: '', finishBy: '' },
  ),
  tab(`
# 6. The hotline in-tray (12317): triage into a problem, or dismiss with a reason.
query HotlineInTray {
  hotlineReports(status: received) { id receiptCode text contact submittedAt unit { name } }
}`),
  tab(`
# 7. The audit trail: who did what, when.
query Audit {
  auditLog(limit: 50) { occurredAt type streamId actor { name role unitId } }
}`),
];
