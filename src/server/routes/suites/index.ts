import type { RouteHandlers } from '../routeHandler';
import { sendStoredFile } from '../artifacts/sendStoredFile';

type SuiteRoute = 'listSuites' | 'createSuite' | 'getSuite' | 'closeSuite' | 'listHookRuns' | 'readHookLog' | 'downloadSuiteInput' | 'reportSuiteHook' | 'workerSuites';

export const suiteHandlers: RouteHandlers<SuiteRoute> = {
  listSuites: ({ query }, { coordinator }) => coordinator.suites.list(query),
  createSuite: ({ body }, { coordinator }) => coordinator.suites.create(body),
  getSuite: ({ params }, { coordinator }) => coordinator.suites.get(params.suite),
  closeSuite: ({ params }, { coordinator }) => coordinator.suites.close(params.suite),
  listHookRuns: ({ params }, { coordinator }) => coordinator.suites.hookRuns(params.suite),
  readHookLog: ({ params, reply }, { coordinator }) => {
    reply.type('application/octet-stream');
    return coordinator.suites.hookLog(params.suite, params.run);
  },
  downloadSuiteInput: ({ params, request, reply }, { coordinator }) => sendStoredFile(request, reply, coordinator.suites.locateInput(params.suite, params.position)),
  reportSuiteHook: ({ params, body }, { coordinator }) => coordinator.suites.reportHook(params.id, body),
  workerSuites: ({ params }, { coordinator }) => ({ release: coordinator.suites.released(params.id) }),
};
