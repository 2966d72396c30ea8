import { formatBytes, type Artifact } from '../../shared';
import { renderTable } from './table';

export function formatArtifactTable(artifacts: readonly Artifact[]): string {
  if (artifacts.length === 0) return 'no artifacts';
  return renderTable(artifacts, [
    { header: 'NAME', value: (a) => a.name, maxWidth: 80 },
    { header: 'SIZE', value: (a) => formatBytes(a.size), align: 'right' },
    { header: 'SHA256', value: (a) => a.sha256.slice(0, 16) },
    { header: 'ATTEMPT', value: (a) => (a.attempt === null ? '-' : String(a.attempt)), align: 'right' },
  ]);
}
