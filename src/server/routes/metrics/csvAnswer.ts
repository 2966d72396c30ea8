import type { FastifyReply, FastifyRequest } from 'fastify';

/** `format=csv` asks for CSV; without a format, an Accept header naming text/csv does (curl -H 'Accept: text/csv'). */
export function wantsCsv(format: 'json' | 'csv' | undefined, request: FastifyRequest): boolean {
  if (format !== undefined) return format === 'csv';
  return (request.headers.accept ?? '').split(',').some((type) => type.trim().toLowerCase().startsWith('text/csv'));
}

/** Sends CSV text as a download named `filename`. */
export function csvAnswer(reply: FastifyReply, filename: string, text: string): string {
  reply.type('text/csv; charset=utf-8');
  reply.header('content-disposition', `attachment; filename="${filename}"`);
  return text;
}
