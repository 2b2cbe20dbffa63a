export { PetstoreClient } from './petstore-client.js';
export { PetstoreRequestError } from './types.js';
export type { ChangeNotification, ClientOptions, ConnectionState, SubscribeAnswer } from './types.js';
