// An HTTP load generator process: runs autocannon with the options in argv[2] and prints its result as JSON.
// `cycle` runs place-order + cancel pairs; each pair takes a pet from a pool and gives it back once cancelled, so
// no two connections ever order the same pet (as many pets as connections are needed).
import autocannon from 'autocannon';
import { summary } from '../lib/stats.mjs';

const options = JSON.parse(process.argv[2]);
const { cycle, ...rest } = options;
const freePets = [...(cycle?.petIds ?? [])];
const requests = cycle
  ? [
      {
        method: 'POST',
        path: '/api/v1/store/order',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${cycle.token}` },
        setupRequest: (request, context) => {
          context.petId = freePets.shift();
          return { ...request, body: JSON.stringify({ petId: context.petId }) };
        },
        onResponse: (status, body, context) => {
          context.orderId = status === 201 ? JSON.parse(body).id : undefined;
        },
      },
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${cycle.token}` },
        setupRequest: (request, context) => ({
          ...request,
          path: `/api/v1/store/order/${context.orderId ?? 0}`,
        }),
        onResponse: (_status, _body, context) => freePets.push(context.petId),
      },
    ]
  : undefined;

// autocannon's own percentiles are whole milliseconds (its histogram keeps integers), too coarse for answers that
// take one or two: each 2xx answer's time, which autocannon measures to the nanosecond, is kept here instead.
const latencies = [];
const instance = autocannon({ ...rest, ...(requests ? { requests } : {}) });
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
});
const result = await instance;
const { p50, p99 } = summary(latencies);
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50,
    p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  }),
);
