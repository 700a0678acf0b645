"""What every registry service's web app and worker processes share.

config      settings read from environment variables, with local defaults
logging     JSON logs carrying the service, the process role and the correlation id
web         the Flask app base: OpenAPI, /healthz, /readyz, /metrics, JSON errors, request logs
readiness   checks that the service's database and Kafka answer
metrics     Prometheus exposition that also covers a service's worker processes
process     the main() of a worker process: logging, signals, exit codes
"""
