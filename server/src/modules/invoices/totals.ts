// The totals rule lives in contracts/ so the web editor computes the same figures as the server.
export * from '../../../../contracts/invoice-totals.ts'
