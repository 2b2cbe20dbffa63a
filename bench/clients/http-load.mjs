// An HTTP load generator process: runs autocannon with the options in argv[2] and prints its result as JSON.
// `cycle` runs place-order + cancel pairs; each pair takes a pet from a pool and gives it back once cancelled, so
// no two connections ever order the same pet (as many pets as connections are needed).
import autocannon from 'autocannon';

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

const result = await autocannon({ ...rest, ...(requests ? { requests } : {}) });
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  }),
);
