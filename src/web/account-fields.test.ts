import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../tests/client.ts';
import { createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';

// The RUT and e-mail of the sign-in and recovery forms: a control or bidi
// character is a form message, and never reaches a query (PostgreSQL answers
// a NUL in a query with an error, which was a 500).

let rt: TestRuntime;
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  customer = await createCustomerWithAdmin(rt.deps);
});
afterAll(() => rt.close());

const REFUSED = 'contiene caracteres no permitidos (caracteres de control o de dirección del texto).';

describe('sign-in and recovery fields', () => {
  it.each([
    ['a NUL', 'admin\u0000@x.cl'],
    ['a terminal escape', 'admin\u001b[2J@x.cl'],
    ['a bidi override', '\u202eadmin@x.cl'],
    ['a C1 control', 'admin\u0085@x.cl'],
  ])('answers an e-mail with %s with 422 and a Spanish message, on sign-in and on recovery', async (_, email) => {
    const client = new TestClient(rt);
    for (const [path, fields] of [
      ['/ingresar', { rut: customer.rut, email, password: 'lo que sea' }],
      ['/recuperar', { rut: customer.rut, email }],
    ] as const) {
      const res = await client.post(path, fields);
      expect(res.status, path).toBe(422);
      expect(await res.text()).toContain(`El correo ${REFUSED}`);
    }
    expect(await rt.deps.db.selectFrom('password_resets').select('user_id').execute()).toEqual([]);
  });

  it('answers a RUT with a control character with its own message', async () => {
    const res = await new TestClient(rt).post('/recuperar', { rut: `${customer.rut}\u001b[2J`, email: customer.admin.email });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(`El RUT ${REFUSED}`);
  });
});
