export { PetstoreClient, PetstoreRequestError } from './petstore-client.js';
export type { ChangeNotification, ClientOptions, ConnectionState } from './petstore-client.js';
