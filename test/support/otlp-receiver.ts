import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, string | number | boolean>;
}

type Field = { no: number; value: Buffer | number };

/** The fields of one protobuf message: varints as numbers, length-delimited ones as bytes. */
function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const byte = buffer[at++];
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < buffer.length) {
    const key = varint();
    const wire = key % 8;
    const no = Math.floor(key / 8);
    if (wire === 0) out.push({ no, value: varint() });
    else if (wire === 1) out.push({ no, value: buffer.subarray(at, (at += 8)) });
    else if (wire === 5) out.push({ no, value: buffer.subarray(at, (at += 4)) });
    else if (wire === 2) {
      const length = varint();
      out.push({ no, value: buffer.subarray(at, (at += length)) });
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
  return out;
}

const all = (buffer: Buffer, no: number) =>
  fields(buffer)
    .filter((f) => f.no === no)
    .map((f) => f.value as Buffer);
const one = (buffer: Buffer, no: number) => all(buffer, no)[0];

/** opentelemetry.proto.common.v1.KeyValue list → plain object (strings, booleans, integers, doubles). */
function attributes(keyValues: Buffer[]): ReceivedSpan['attributes'] {
  const out: ReceivedSpan['attributes'] = {};
  for (const kv of keyValues) {
    const key = one(kv, 1)?.toString() ?? '';
    const value = one(kv, 2);
    const field = value && fields(value)[0];
    if (!field) continue;
    if (field.no === 1) out[key] = (field.value as Buffer).toString();
    else if (field.no === 2 || field.no === 3) out[key] = field.no === 2 ? field.value === 1 : (field.value as number);
    else if (field.no === 4) out[key] = (field.value as Buffer).readDoubleLE(0);
  }
  return out;
}

/** ExportTraceServiceRequest (protobuf) → spans. */
function decodeProtobuf(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of all(body, 1)) {
    const resource = one(resourceSpans, 1);
    const service = String(attributes(resource ? all(resource, 1) : [])['service.name'] ?? '');
    for (const scopeSpans of all(resourceSpans, 2)) {
      const scope = one(scopeSpans, 1);
      const scopeName = scope ? (one(scope, 1)?.toString() ?? '') : '';
      for (const span of all(scopeSpans, 2)) {
        spans.push({
          service,
          scope: scopeName,
          traceId: one(span, 1)?.toString('hex') ?? '',
          spanId: one(span, 2)?.toString('hex') ?? '',
          parentSpanId: one(span, 4)?.toString('hex') ?? '',
          name: one(span, 5)?.toString() ?? '',
          attributes: attributes(all(span, 9)),
        });
      }
    }
  }
  return spans;
}

/** The JSON encoding of the same request (OTEL_EXPORTER_OTLP_PROTOCOL=http/json). */
function decodeJson(body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString()) as { resourceSpans?: any[] };
  const plain = (list: any[] = []) => Object.fromEntries(list.map((kv) => [kv.key, Object.values(kv.value ?? {})[0] as string | number | boolean]));
  return (request.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss: any) =>
      (ss.spans ?? []).map((s: any) => ({
        service: String(plain(rs.resource?.attributes)['service.name'] ?? ''),
        scope: ss.scope?.name ?? '',
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        name: s.name,
        attributes: plain(s.attributes),
      })),
    ),
  );
}

/**
 * An OTLP/HTTP trace receiver of the test's own: POST /v1/traces in protobuf (the exporters' default)
 * or JSON, answered 200 as a collector does, the spans kept for the test to read.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const requests: Array<{ contentType: string; spans: number }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return res.writeHead(404).end();
      const contentType = req.headers['content-type'] ?? '';
      const body = Buffer.concat(chunks);
      const received = contentType.includes('json') ? decodeJson(body) : decodeProtobuf(body);
      spans.push(...received);
      requests.push({ contentType, spans: received.length });
      res.writeHead(200, { 'content-type': contentType }).end(contentType.includes('json') ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
