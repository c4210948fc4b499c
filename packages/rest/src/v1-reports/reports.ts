import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { fromNothing, fromParams, shownAs } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/reports/*: industry benchmarks (pre-computed), their A4 PDF and the export preview
// (document 000: snake_case, bare resources).

const c = contracts.reports.reports;
const { json, stream } = routesOf(v1Face);

const industries = snakeFace(c.industries.output);
const benchmark = snakeFace(c.benchmark.output);
const preview = snakeFace(c.exportPreview.output);
const industry = z.object({ industry: c.benchmark.input.shape.industry });
const previewQuery = snakeInput(z.object({ reportId: contracts.reports.Preview.shape.reportId.optional() }).shape);

export const reportRoutes = [
  json({ method: 'get', path: '/v1/reports/industries', contract: c.industries, status: 200, ...fromNothing, ...shownAs(industries) }),
  json({
    method: 'get',
    path: '/v1/reports/benchmark/{industry}',
    contract: c.benchmark,
    status: 200,
    params: industry,
    ...fromParams,
    ...shownAs(benchmark),
  }),
  stream({
    method: 'get',
    path: '/v1/reports/benchmark/{industry}/pdf',
    contract: c.benchmarkPdf,
    status: 200,
    params: industry,
    contentType: 'application/pdf',
    headersOut: { 'content-disposition': 'inline; filename="industry-benchmark.pdf"', 'cache-control': 'no-store' },
    ...fromParams,
    chunk: (base64) => Buffer.from(base64, 'base64'),
  }),
  json({
    method: 'get',
    path: '/v1/reports/export-preview',
    contract: c.exportPreview,
    status: 200,
    query: previewQuery.schema,
    input: ({ query }) => previewQuery.toContract(query),
    ...shownAs(preview),
  }),
];
