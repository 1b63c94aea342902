export default function Home() {
  return (
    <main>
      <h1>anymail + Next.js</h1>
      <p>
        Resend webhooks are received at <code>/anymail/resend/tracking</code> by{" "}
        <code>app/anymail/[...path]/route.ts</code>. Events so far:{" "}
        <a href="/api/events">/api/events</a>.
      </p>
    </main>
  );
}
