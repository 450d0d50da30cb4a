// A device (a browser without the page): it keeps the cookies a server sets and sends them back,
// so tests can sign in to accounts and call the signed-in routes as a browser would.
import { connectFan, waitFor, type TestFan } from "./fans.js";

export interface Device {
  cookies: Map<string, string>;
}

export const device = (): Device => ({ cookies: new Map() });
const cookieHeader = (d: Device) => [...d.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

export interface Answer {
  status: number;
  retryAfter: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any answer's fields
  body: any;
}

/** A request from a device: its cookies sent, the ones set kept (as a browser does). */
export async function call(url: string, d: Device, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { cookie: cookieHeader(d), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  for (const line of res.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    const value = pair.slice(eq + 1);
    if (value === "" || /Expires=Thu, 01 Jan 1970/i.test(line)) d.cookies.delete(pair.slice(0, eq));
    else d.cookies.set(pair.slice(0, eq), value);
  }
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: text ? JSON.parse(text) : null };
}

/** The fan of a session, admitted to the event over a socket (kept in `sockets` to close later). */
export async function admitted(
  url: string,
  session: { fanId: string; fanToken: string },
  eventId: string,
  sockets: TestFan[],
) {
  const fan = await connectFan(url, session);
  sockets.push(fan);
  const ack = await fan.join(eventId);
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  const token =
    ack.data.admission?.token ??
    (await waitFor("admission", () => fan.admitted.find((a) => a.eventId === eventId)?.token));
  return { ...session, admissionToken: token, queueNumber: ack.data.queueNumber };
}
