"""On-chain status lookup for transaction cases: a provider per chain (EVM JSON-RPC, TronGrid, Esplora) answers
whether a ticket's transaction is pending, confirmed or failed; the result is cached, stored on the ticket's
ChainLookup row (the ticket page reads it in its one ticket query) and re-checked while unsettled."""
