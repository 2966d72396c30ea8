import type { RouteHandlers } from '../routeHandler';
import { sendStoredFile } from './sendStoredFile';

export const datasetHandlers: RouteHandlers<'listDatasets' | 'createDatasetUpload' | 'getDatasetUpload' | 'sendDatasetUpload' | 'getDataset' | 'downloadDataset' | 'deleteDataset' | 'downloadJobInput'> = {
  listDatasets: (_input, { coordinator }) => coordinator.artifacts.listDatasets(),
  createDatasetUpload: ({ body }, { coordinator }) => coordinator.artifacts.createDatasetUpload(body),
  getDatasetUpload: ({ params }, { coordinator }) => coordinator.artifacts.datasetUpload(params.upload),
  sendDatasetUpload: ({ params, query, body }, { coordinator }) => coordinator.artifacts.appendDatasetUpload(params.upload, query.offset, body, query.sha256),
  getDataset: ({ params }, { coordinator }) => coordinator.artifacts.getDataset(params.name),
  downloadDataset: ({ params, request, reply }, { coordinator }) => {
    const dataset = coordinator.artifacts.locateDataset(params.name);
    return sendStoredFile(request, reply, { ...dataset, name: dataset.file_name });
  },
  deleteDataset: ({ params }, { coordinator }) => {
    coordinator.artifacts.deleteDataset(params.name);
    return { ok: true as const };
  },
  downloadJobInput: ({ params, request, reply }, { coordinator }) => sendStoredFile(request, reply, coordinator.artifacts.locateJobInput(params.id, params.position)),
};
