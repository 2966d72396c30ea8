import type { RouteHandlers } from '../routeHandler';
import { sendStoredFile } from './sendStoredFile';

export const modelHandlers: RouteHandlers<'listModels' | 'registerModel' | 'modelVersions' | 'getModel' | 'downloadModel' | 'deleteModel' | 'deleteModelVersion'> = {
  listModels: (_input, { coordinator }) => coordinator.artifacts.listModels(),
  registerModel: ({ body }, { coordinator }) => coordinator.artifacts.registerModel(body),
  modelVersions: ({ params }, { coordinator }) => coordinator.artifacts.listModels(params.name),
  getModel: ({ params }, { coordinator }) => coordinator.artifacts.getModel(params.name, params.version),
  downloadModel: ({ params, request, reply }, { coordinator }) => {
    const model = coordinator.artifacts.locateModel(params.name, params.version);
    return sendStoredFile(request, reply, { ...model, name: model.artifact });
  },
  deleteModel: ({ params }, { coordinator }) => ({ removed: coordinator.artifacts.deleteModel(params.name) }),
  deleteModelVersion: ({ params }, { coordinator }) => ({ removed: coordinator.artifacts.deleteModel(params.name, params.version) }),
};
