from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.messages_retry_out import MessagesRetryOut
from ...models.problem import Problem
from typing import cast
from uuid import UUID



def _get_kwargs(
    message_id: UUID,
    *,
    idempotency_key: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/messages/{message_id}/retry".format(message_id=quote(str(message_id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MessagesRetryOut | Problem | None:
    if response.status_code == 200:
        response_200 = MessagesRetryOut.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = MessagesRetryOut.from_dict(response.json())



        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[MessagesRetryOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    message_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Response[MessagesRetryOut | Problem]:
    """ Retry Message

     Put a failed message back in the queue with a fresh set of attempts.

    Args:
        message_id (UUID): The message id (UUID5 of its cause)
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MessagesRetryOut | Problem]
     """


    kwargs = _get_kwargs(
        message_id=message_id,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    message_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> MessagesRetryOut | Problem | None:
    """ Retry Message

     Put a failed message back in the queue with a fresh set of attempts.

    Args:
        message_id (UUID): The message id (UUID5 of its cause)
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MessagesRetryOut | Problem
     """


    return sync_detailed(
        message_id=message_id,
client=client,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    message_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Response[MessagesRetryOut | Problem]:
    """ Retry Message

     Put a failed message back in the queue with a fresh set of attempts.

    Args:
        message_id (UUID): The message id (UUID5 of its cause)
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MessagesRetryOut | Problem]
     """


    kwargs = _get_kwargs(
        message_id=message_id,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    message_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> MessagesRetryOut | Problem | None:
    """ Retry Message

     Put a failed message back in the queue with a fresh set of attempts.

    Args:
        message_id (UUID): The message id (UUID5 of its cause)
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MessagesRetryOut | Problem
     """


    return (await asyncio_detailed(
        message_id=message_id,
client=client,
idempotency_key=idempotency_key,

    )).parsed
