// One generator socket authenticated as a fan (the server joins it to the fan's room), websocket
// only, no reconnection: a connect that fails is reported, never retried behind the figures' back.
import { io, type Socket } from "socket.io-client";

export function connectFanSocket(url: string, fanToken: string, localAddress?: string): Promise<Socket> {
  const socket = io(url, {
    auth: { fanToken },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 20_000,
    ...(localAddress ? { localAddress } : {}),
  } as Parameters<typeof io>[1]);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => (socket.close(), reject(err)));
  });
}
