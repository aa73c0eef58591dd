import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { page } from '../../render.tsx';

export const termsRoutes = new Hono<AppEnv>().get('/terminos', (c) => {
  const b = c.get('deps').config.brand;
  return page(
    c,
    { title: 'Términos y condiciones', bare: !c.get('session') },
    <article class="prose card">
      <h1>Términos y condiciones de uso</h1>
      <p>
        Estos términos regulan el uso de {b.name}, el portal de clientes de {b.vendor}. Al ingresar al portal, usted y la empresa que lo registró los aceptan.
      </p>
      <h2>1. Quién puede usar el portal</h2>
      <p>
        El portal es para las empresas clientes de {b.vendor} y para las personas que ellas autorizan. El usuario administrador de cada empresa es responsable de
        los usuarios técnicos que agrega, de mantener sus datos al día y de deshabilitar a quienes ya no deban tener acceso.
      </p>
      <h2>2. Credenciales</h2>
      <p>
        Cada persona ingresa con el RUT de su empresa, su correo y su clave, que son personales e intransferibles. La clave temporal que se envía por correo sirve
        sólo para crear una clave propia y vence. Si sospecha que alguien conoce su clave, cámbiela de inmediato desde «Mi cuenta» y avise a soporte.
      </p>
      <h2>3. Contenido de la ayuda en línea</h2>
      <p>
        La ayuda en línea explica el uso de los sistemas contratados y está disponible mientras el servicio esté vigente. Es material de {b.vendor}; puede
        consultarse y usarse dentro de la empresa cliente, pero no publicarse ni distribuirse a terceros.
      </p>
      <h2>4. Datos personales</h2>
      <p>
        {b.vendor} trata los datos de los usuarios (nombre, correo, registros de ingreso) sólo para dar acceso al portal, proteger las cuentas y prestar soporte,
        conforme a la Ley N° 19.628 sobre protección de la vida privada. Los registros de seguridad se conservan como evidencia de acceso.
      </p>
      <h2>5. Disponibilidad y cambios</h2>
      <p>
        {b.vendor} procura que el portal esté disponible de forma continua, pero puede interrumpirlo por mantención. Estos términos pueden actualizarse; la versión
        vigente es siempre la publicada en esta página.
      </p>
      <h2>6. Contacto</h2>
      <p>
        Consultas: <a href={`mailto:${b.supportEmail}`}>{b.supportEmail}</a>, teléfono {b.supportPhone}.
      </p>
    </article>,
  );
});
